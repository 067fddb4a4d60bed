//! Limits on a lesson, so that a lesson from anywhere (a link, another site) keeps the page
//! responsive and its text readable. Going past one is a validation error naming the key and
//! the limit. The README ("Write your own lesson") lists them.

/// A lesson file: at most 256 KiB of JSON (the same as a link may inflate to).
pub const MAX_LESSON_BYTES: usize = 256 * 1024;
/// `id`: 1 to 64 characters, lowercase ASCII letters, digits and `-`.
pub const MAX_ID_CHARS: usize = 64;
/// `title` and `course.section`: at most 120 characters.
pub const MAX_TITLE_CHARS: usize = 120;
/// `summary`: at most 400 characters.
pub const MAX_SUMMARY_CHARS: usize = 400;
/// Every `say` and hint: at most 2,000 characters.
pub const MAX_SAY_CHARS: usize = 2_000;
/// `steps`: at most 40.
pub const MAX_STEPS: usize = 40;
/// `try`: at most 10.
pub const MAX_TRIES: usize = 10;
/// Each `expect` and the `goal`: at most 20 expectations.
pub const MAX_EXPECT: usize = 20;
/// One expectation: at most 200 characters.
pub const MAX_EXPECT_CHARS: usize = 200;
/// Each `show`: at most 12 targets.
pub const MAX_SHOW: usize = 12;
/// Each `set` and `allowed`: at most 20 paths.
pub const MAX_SET: usize = 20;
/// `hints`: at most 10.
pub const MAX_HINTS: usize = 10;
/// `versions.compare`: 2 to 6 releases.
pub const MAX_COMPARE: usize = 6;
/// A lesson link (`#l=...`): at most 64 KiB of characters.
pub const MAX_LESSON_LINK_CHARS: usize = 64 * 1024;
