//! The source tree's shape: no two modules import each other, in the core and in the page.
//! Parents and their own submodules may (a submodule implementing its parent's type is one
//! concern split in files); anything else that forms a cycle is a design smell this test names.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Module path (e.g. `world::sim`) -> the modules it imports.
type Graph = BTreeMap<String, BTreeSet<String>>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("source folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn module_of(src: &Path, file: &Path) -> String {
    let rel = file
        .strip_prefix(src)
        .expect("under src")
        .with_extension("");
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .filter(|p| p != "mod")
        .collect();
    match parts.as_slice() {
        [only] if only == "lib" || only == "main" => String::new(),
        _ => parts.join("::"),
    }
}

/// The code before any `#[cfg(test)]` module: tests may import what they check.
fn non_test_code(text: &str) -> &str {
    text.find("#[cfg(test)]\nmod").map_or(text, |i| &text[..i])
}

/// Every `crate::a::b::...` or `super::...` path in the file, resolved to the longest known
/// module it names.
fn imports(module: &str, text: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let bytes = text.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let starts_word = i == 0 || !is_ident(bytes[i - 1]);
        let (base, skip) = if starts_word && rest.starts_with(b"crate::") {
            (Vec::new(), "crate::".len())
        } else if starts_word && rest.starts_with(b"super::") {
            let mut parts: Vec<&str> = module.split("::").filter(|p| !p.is_empty()).collect();
            parts.pop();
            (parts, "super::".len())
        } else {
            i += 1;
            continue;
        };
        let mut j = i + skip;
        let mut path: Vec<String> = base.iter().map(|s| s.to_string()).collect();
        loop {
            let start = j;
            while j < bytes.len() && is_ident(bytes[j]) {
                j += 1;
            }
            if start == j {
                break;
            }
            path.push(text[start..j].to_string());
            if bytes[j..].starts_with(b"::") {
                j += 2;
            } else {
                break;
            }
        }
        while !path.is_empty() && !modules.contains(&path.join("::")) {
            path.pop();
        }
        let target = path.join("::");
        if target != module {
            found.insert(target);
        }
        i = j.max(i + 1);
    }
    found
}

fn graph(crate_dir: &str) -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(crate_dir)
        .join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(&src, f)).collect();
    files
        .iter()
        .map(|f| {
            let module = module_of(&src, f);
            let text = fs::read_to_string(f).expect("readable source");
            let deps = imports(&module, non_test_code(&text), &modules);
            (module, deps)
        })
        .collect()
}

fn related(a: &str, b: &str) -> bool {
    let inside =
        |outer: &str, inner: &str| outer.is_empty() || inner.starts_with(&format!("{outer}::"));
    inside(a, b) || inside(b, a)
}

fn mutual_imports(g: &Graph) -> Vec<String> {
    let mut pairs = Vec::new();
    for (a, deps) in g {
        for b in deps {
            if a < b && !related(a, b) && g.get(b).is_some_and(|d| d.contains(a)) {
                pairs.push(format!("{a} <-> {b}"));
            }
        }
    }
    pairs
}

#[test]
fn no_two_modules_of_the_core_import_each_other() {
    let pairs = mutual_imports(&graph("sim"));
    assert!(pairs.is_empty(), "modules importing each other: {pairs:?}");
}

#[test]
fn no_two_modules_of_the_page_import_each_other() {
    let pairs = mutual_imports(&graph("ui"));
    assert!(pairs.is_empty(), "modules importing each other: {pairs:?}");
}

#[test]
fn the_reader_sees_a_known_cycle_in_a_made_up_tree() {
    let modules: BTreeSet<String> = ["a", "b", "b::c"].iter().map(|s| s.to_string()).collect();
    let mut g = Graph::new();
    g.insert(
        "a".into(),
        imports("a", "use crate::b::c::Thing;", &modules),
    );
    g.insert(
        "b::c".into(),
        imports("b::c", "use crate::a::X; use super::Y;", &modules),
    );
    g.insert("b".into(), BTreeSet::new());
    assert_eq!(g["a"], BTreeSet::from(["b::c".to_string()]));
    assert_eq!(
        g["b::c"],
        BTreeSet::from(["a".to_string(), "b".to_string()])
    );
    assert_eq!(mutual_imports(&g), vec!["a <-> b::c".to_string()]);
}
