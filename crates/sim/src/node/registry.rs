//! Confluent's schema registry: subjects (`<topic>-value`) with their versions, global schema
//! ids, and a compatibility mode per subject or the global one (`schema.registry.
//! compatibility`, BACKWARD by default). Registering a schema the subject already has returns
//! its id; a new one is checked against the subject's versions by the mode
//! (`kafka::serialization::compat`) and refused with HTTP 409 when incompatible. Ids are
//! global and increase; the same schema under two subjects keeps one id.

use crate::kafka::protocol::{NodeId, Payload, RegistryMessage};
use crate::kafka::serialization::compat::{check, Compatibility};
use crate::kafka::serialization::RecordSchema;
use crate::node::{Ctx, Node, Timer};
use crate::observe::trace::TraceKind;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub struct Subject {
    pub name: String,
    /// Schema id of each version, version 1 first.
    pub versions: Vec<u32>,
    /// Set by `set-compatibility`; the global mode otherwise.
    pub compatibility: Option<Compatibility>,
    /// Registrations refused with HTTP 409.
    pub refusals: u64,
}

#[derive(Debug, Clone)]
pub struct Registry {
    pub compatibility: Compatibility,
    /// Schema id N is `schemas[N - 1]`.
    pub schemas: Vec<Arc<RecordSchema>>,
    pub subjects: Vec<Subject>,
}

impl Registry {
    pub fn new(compatibility: Compatibility) -> Self {
        Registry {
            compatibility,
            schemas: Vec::new(),
            subjects: Vec::new(),
        }
    }

    pub fn schema(&self, id: u32) -> Option<&Arc<RecordSchema>> {
        self.schemas.get((id as usize).checked_sub(1)?)
    }

    /// `PUT /config/<subject>`.
    pub fn set_compatibility(&mut self, subject: &str, mode: Compatibility) {
        match self.subjects.iter_mut().find(|s| s.name == subject) {
            Some(s) => s.compatibility = Some(mode),
            None => self.subjects.push(Subject {
                name: subject.to_string(),
                versions: Vec::new(),
                compatibility: Some(mode),
                refusals: 0,
            }),
        }
    }

    pub fn refusals(&self) -> u64 {
        self.subjects.iter().map(|s| s.refusals).sum()
    }

    /// A registration: the id, or the 409's message.
    fn register(
        &mut self,
        subject: &str,
        schema: &Arc<RecordSchema>,
        ctx: &mut Ctx,
    ) -> Result<u32, String> {
        let global = self.compatibility;
        let i = match self.subjects.iter().position(|s| s.name == subject) {
            Some(i) => i,
            None => {
                self.subjects.push(Subject {
                    name: subject.to_string(),
                    versions: Vec::new(),
                    compatibility: None,
                    refusals: 0,
                });
                self.subjects.len() - 1
            }
        };
        let Some(s) = self.subjects.get(i) else {
            return Err("no subject".into());
        };
        let schemas = &self.schemas;
        let of = |id: &u32| schemas.get((*id as usize).wrapping_sub(1));
        if let Some(&id) = s
            .versions
            .iter()
            .find(|id| of(id).is_some_and(|x| **x == **schema))
        {
            return Ok(id);
        }
        let mode = s.compatibility.unwrap_or(global);
        let existing: Vec<&RecordSchema> = s.versions.iter().filter_map(of).map(|x| &**x).collect();
        if let Some(why) = check(mode, schema, &existing) {
            let message = format!(
                "Schema being registered is incompatible with an earlier schema for subject \"{subject}\" (HTTP 409): {why}"
            );
            if let Some(s) = self.subjects.get_mut(i) {
                s.refusals += 1;
            }
            ctx.out.trace(
                ctx.now,
                NodeId::Registry,
                TraceKind::SchemaRefused,
                message.clone(),
            );
            return Err(message);
        }
        let id = match self.schemas.iter().position(|x| **x == **schema) {
            Some(j) => j as u32 + 1,
            None => {
                self.schemas.push(schema.clone());
                self.schemas.len() as u32
            }
        };
        let Some(s) = self.subjects.get_mut(i) else {
            return Err("no subject".into());
        };
        s.versions.push(id);
        ctx.out.trace(
            ctx.now,
            NodeId::Registry,
            TraceKind::SchemaRegistered,
            format!(
                "{subject} version {} registered with id {id} ({})",
                s.versions.len(),
                mode.name()
            ),
        );
        Ok(id)
    }
}

impl Node for Registry {
    fn on_message(&mut self, from: NodeId, payload: Payload, ctx: &mut Ctx) {
        let Payload::Registry(message) = payload else {
            return;
        };
        let answer = match message {
            RegistryMessage::Register {
                correlation_id,
                subject,
                schema,
            } => {
                let result = self.register(&subject, &schema, ctx);
                RegistryMessage::RegisterResponse {
                    correlation_id,
                    result,
                }
            }
            RegistryMessage::GetSchema { correlation_id, id } => {
                RegistryMessage::GetSchemaResponse {
                    correlation_id,
                    id,
                    schema: self.schema(id).cloned(),
                }
            }
            _ => return,
        };
        ctx.out
            .send(NodeId::Registry, from, Payload::Registry(answer));
    }

    fn on_timer(&mut self, _timer: Timer, _ctx: &mut Ctx) {}
}
