//! Expectations: `FIGURE OP NUMBER` (`records.lost >= 1`), read from text and evaluated on a
//! report. An addition to the format: a figure that is text (`groups.g1.leader`,
//! `groups.g1.state`) compares with `==` or `!=` to a quoted text (`groups.g1.leader == "g1-c1"`).

use super::figures::{figure, Figure};
use crate::support::decimal::Trimmed;
use serde_json::Value;
use std::fmt;

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    pub const ALL: [Op; 6] = [Op::Eq, Op::Ne, Op::Lt, Op::Le, Op::Gt, Op::Ge];

    pub fn symbol(self) -> &'static str {
        match self {
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }

    fn from_symbol(text: &str) -> Result<Op, String> {
        if let Some(op) = Op::ALL.iter().find(|op| op.symbol() == text) {
            return Ok(*op);
        }
        let near = match text {
            "=" | "===" | "eq" => Some("=="),
            "<>" | "=!" | "≠" | "ne" => Some("!="),
            "=<" | "≤" | "le" => Some("<="),
            "=>" | "≥" | "ge" => Some(">="),
            "lt" => Some("<"),
            "gt" => Some(">"),
            _ => None,
        };
        let shown: String = text.chars().take(10).collect();
        Err(match near {
            Some(op) => format!("unknown operator \"{shown}\" (did you mean \"{op}\"?)"),
            None => format!("unknown operator \"{shown}\" (operators: ==, !=, <, <=, >, >=)"),
        })
    }

    pub fn holds(self, actual: f64, expected: f64) -> bool {
        match self {
            Op::Eq => actual == expected,
            Op::Ne => actual != expected,
            Op::Lt => actual < expected,
            Op::Le => actual <= expected,
            Op::Gt => actual > expected,
            Op::Ge => actual >= expected,
        }
    }
}

/// What a figure is compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    Number(f64),
    /// Only with `==` and `!=`.
    Text(String),
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Number(n) => write!(f, "{}", Trimmed(*n, 6)),
            Expected::Text(t) => write!(f, "\"{t}\""),
        }
    }
}

/// `FIGURE OP NUMBER` (or `FIGURE == "TEXT"`).
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    /// A path into the report (see `figure`).
    pub figure: String,
    pub op: Op,
    pub value: Expected,
}

impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.figure, self.op.symbol(), self.value)
    }
}

/// An expectation's outcome on one report.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub holds: bool,
    /// The figure as the report has it.
    pub actual: Figure,
}

impl Expectation {
    /// Reads `FIGURE OP NUMBER` or `FIGURE OP "TEXT"` (spaces between the parts). The
    /// figure's path is checked against a report by the lesson reader, not here.
    pub fn parse(text: &str) -> Result<Expectation, String> {
        let word = |s: &'_ str| -> (String, String) {
            let s = s.trim_start();
            let end = s.find(char::is_whitespace).unwrap_or(s.len());
            (s[..end].to_string(), s[end..].trim().to_string())
        };
        let (figure, rest) = word(text);
        let (op, value) = word(&rest);
        let value = value.as_str();
        if figure.is_empty() || op.is_empty() || value.is_empty() {
            return Err(
                "expected FIGURE OP NUMBER (e.g. \"records.lost == 0\") with spaces between".into(),
            );
        }
        let op = Op::from_symbol(&op)?;
        let shown: String = value.chars().take(20).collect();
        let value = if let Some(quoted) = value.strip_prefix('"') {
            let Some(inner) = quoted.strip_suffix('"').filter(|t| !t.contains('"')) else {
                return Err(format!("a text must end with its quote, got {shown}"));
            };
            if !matches!(op, Op::Eq | Op::Ne) {
                return Err(format!(
                    "a text compares only with == or !=, not {}",
                    op.symbol()
                ));
            }
            Expected::Text(inner.to_string())
        } else {
            // A JSON number, read by serde_json's reader: the page already has it, where
            // core's float parser (with its 10 KB table) would add about 13 KB to its download.
            match serde_json::from_str::<Value>(value)
                .ok()
                .and_then(|v| v.as_f64())
            {
                Some(v) if v.is_finite() => Expected::Number(v),
                _ => {
                    return Err(format!(
                        "expected a number (or a \"quoted\" text) after {}, got {shown}",
                        op.symbol()
                    ))
                }
            }
        };
        Ok(Expectation { figure, op, value })
    }

    /// Whether it holds on `report` (the report as JSON, `report_json`), and the figure.
    pub fn evaluate(&self, report: &Value) -> Verdict {
        let actual = figure(report, &self.figure);
        let holds = match (&actual, &self.value) {
            (Figure::Number(n), Expected::Number(v)) => self.op.holds(*n, *v),
            (Figure::Text(t), Expected::Text(v)) => (t == v) == (self.op == Op::Eq),
            _ => false,
        };
        Verdict { holds, actual }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_expectation_reads_figure_operator_and_number_or_text() {
        let e = Expectation::parse("  records.lost   >=  1 ").expect("valid");
        assert_eq!(
            (e.figure.as_str(), e.op, e.value.clone()),
            ("records.lost", Op::Ge, Expected::Number(1.0))
        );
        assert_eq!(e.to_string(), "records.lost >= 1");
        assert_eq!(
            Expectation::parse("latency.ms.p99 < 2.5").map(|e| e.value),
            Ok(Expected::Number(2.5))
        );
        let leader = Expectation::parse("groups.g1.leader == \"g1-c1\"").expect("valid");
        assert_eq!(leader.value, Expected::Text("g1-c1".into()));
        assert_eq!(leader.to_string(), "groups.g1.leader == \"g1-c1\"");
    }

    #[test]
    fn bad_expectations_say_what_is_wrong() {
        let err = |s: &str| Expectation::parse(s).expect_err("refused");
        assert_eq!(
            err("records.lost = 0"),
            "unknown operator \"=\" (did you mean \"==\"?)"
        );
        assert_eq!(
            err("records.lost ~ 0"),
            "unknown operator \"~\" (operators: ==, !=, <, <=, >, >=)"
        );
        assert_eq!(
            err("records.lost == many"),
            "expected a number (or a \"quoted\" text) after ==, got many"
        );
        assert_eq!(
            err("records.lost==0"),
            "expected FIGURE OP NUMBER (e.g. \"records.lost == 0\") with spaces between"
        );
        assert_eq!(
            err("groups.g1.leader < \"a\""),
            "a text compares only with == or !=, not <"
        );
        assert_eq!(
            err("groups.g1.leader == \"a"),
            "a text must end with its quote, got \"a"
        );
        assert!(Expectation::parse("records.lost == inf").is_err());
        assert!(Expectation::parse("records.lost == NaN").is_err());
        assert!(Expectation::parse("records.lost == 1 2").is_err());
    }

    #[test]
    fn every_operator_compares_the_figure_with_the_number() {
        let report = json!({"records": {"lost": 2}, "leader": "c1"});
        let holds = |s: &str| {
            Expectation::parse(s)
                .expect("valid")
                .evaluate(&report)
                .holds
        };
        assert!(holds("records.lost == 2") && holds("records.lost != 3"));
        assert!(holds("records.lost < 3") && holds("records.lost <= 2"));
        assert!(holds("records.lost > 1") && holds("records.lost >= 2"));
        assert!(!holds("records.lost == 3") && !holds("records.lost < 2"));
        assert!(!holds("records.lost > 2"));
        assert!(holds("leader == \"c1\"") && holds("leader != \"c2\""));
        assert!(!holds("leader == \"c2\"") && !holds("records.lost == \"2\""));
        let absent = Expectation::parse("records.gone == 0").expect("valid");
        assert_eq!(
            absent.evaluate(&report),
            Verdict {
                holds: false,
                actual: Figure::Absent
            }
        );
    }
}
