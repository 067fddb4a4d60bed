//! What reading a scenario reports: errors that refuse it, notes that explain what Kafka would
//! have done quietly (a default raised, idempotence switched off, a key this version ignores).

use std::fmt;

/// One problem, named by its key path (`producers[0].acks`); an empty path means the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Every problem found in a scenario, in document order. Display prints one per line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScenarioErrors {
    pub errors: Vec<ScenarioError>,
}

impl ScenarioErrors {
    pub fn len(&self) -> usize {
        self.errors.len()
    }
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }
    pub fn iter(&self) -> std::slice::Iter<'_, ScenarioError> {
        self.errors.iter()
    }
    /// Whether some error names exactly this path.
    pub fn has_path(&self, path: &str) -> bool {
        self.errors.iter().any(|e| e.path == path)
    }
}

impl fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioErrors {}

/// Something the reader resolved differently from what the document says, the way Kafka does
/// (usually with a log line nobody reads); the page shows these beside the scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioNote {
    pub path: String,
    pub message: String,
}

impl fmt::Display for ScenarioNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Collects errors and notes while the document is walked.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    pub errors: Vec<ScenarioError>,
    pub notes: Vec<ScenarioNote>,
}

impl Problems {
    pub fn error(&mut self, path: &str, message: impl Into<String>) {
        self.errors.push(ScenarioError {
            path: path.to_string(),
            message: message.into(),
        });
    }
    pub fn note(&mut self, path: &str, message: impl Into<String>) {
        self.notes.push(ScenarioNote {
            path: path.to_string(),
            message: message.into(),
        });
    }
    pub fn into_errors(self) -> ScenarioErrors {
        ScenarioErrors {
            errors: self.errors,
        }
    }
}
