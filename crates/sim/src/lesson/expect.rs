//! Expectations: `FIGURE OP NUMBER` (`records.lost >= 1`), read from text and evaluated on a
//! report.

use super::figures::{figure, Figure};
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

/// `FIGURE OP NUMBER`.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    /// A path into the report (see `figure`).
    pub figure: String,
    pub op: Op,
    pub value: f64,
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
    /// Reads `FIGURE OP NUMBER` (any spaces between the three). The figure's path is checked
    /// against a report by the lesson reader, not here.
    pub fn parse(text: &str) -> Result<Expectation, String> {
        let parts: Vec<&str> = text.split_whitespace().collect();
        let [figure, op, number] = parts.as_slice() else {
            return Err(format!(
                "expected FIGURE OP NUMBER, e.g. \"records.lost == 0\", got {} part(s)",
                parts.len()
            ));
        };
        let op = Op::from_symbol(op)?;
        let value = match number.parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => {
                let shown: String = number.chars().take(20).collect();
                return Err(format!(
                    "expected a number after {}, got \"{shown}\"",
                    op.symbol()
                ));
            }
        };
        Ok(Expectation {
            figure: (*figure).to_string(),
            op,
            value,
        })
    }

    /// Whether it holds on `report` (the report as JSON, `report_json`), and the figure.
    pub fn evaluate(&self, report: &Value) -> Verdict {
        let actual = figure(report, &self.figure);
        let holds = match actual {
            Figure::Number(n) => self.op.holds(n, self.value),
            Figure::Absent | Figure::NotANumber(_) => false,
        };
        Verdict { holds, actual }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_expectation_reads_figure_operator_and_number() {
        let e = Expectation::parse("  records.lost   >=  1 ").expect("valid");
        assert_eq!(
            (e.figure.as_str(), e.op, e.value),
            ("records.lost", Op::Ge, 1.0)
        );
        assert_eq!(e.to_string(), "records.lost >= 1");
        assert_eq!(
            Expectation::parse("latency.ms.p99 < 2.5").map(|e| e.value),
            Ok(2.5)
        );
    }

    #[test]
    fn bad_expectations_say_what_is_wrong() {
        assert_eq!(
            Expectation::parse("records.lost = 0"),
            Err("unknown operator \"=\" (did you mean \"==\"?)".into())
        );
        assert_eq!(
            Expectation::parse("records.lost ~ 0"),
            Err("unknown operator \"~\" (operators: ==, !=, <, <=, >, >=)".into())
        );
        assert_eq!(
            Expectation::parse("records.lost == many"),
            Err("expected a number after ==, got \"many\"".into())
        );
        assert_eq!(
            Expectation::parse("records.lost==0"),
            Err("expected FIGURE OP NUMBER, e.g. \"records.lost == 0\", got 1 part(s)".into())
        );
        assert!(Expectation::parse("records.lost == inf").is_err());
        assert!(Expectation::parse("records.lost == NaN").is_err());
    }

    #[test]
    fn every_operator_compares_the_figure_with_the_number() {
        let report = json!({"records": {"lost": 2}});
        let holds = |op: &str, n: &str| {
            Expectation::parse(&format!("records.lost {op} {n}"))
                .expect("valid")
                .evaluate(&report)
                .holds
        };
        assert!(holds("==", "2") && holds("!=", "3") && holds("<", "3"));
        assert!(holds("<=", "2") && holds(">", "1") && holds(">=", "2"));
        assert!(!holds("==", "3") && !holds("<", "2") && !holds(">", "2"));
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
