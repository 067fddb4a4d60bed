//! The timeline's serialization actions: a producer or a group redeployed with another
//! version of its schema, and a subject's compatibility mode changed in the registry.

use super::Simulation;
use crate::kafka::protocol::NodeId;
use crate::observe::trace::TraceKind;
use crate::scenario::ActionKind;
use std::sync::Arc;

impl Simulation {
    pub(super) fn serialization_action(&mut self, action: &ActionKind) {
        let now = self.now;
        match action {
            ActionKind::UpgradeProducer {
                producer,
                value_schema,
            } => {
                let Some(schema) = self.world.scenario.schema(value_schema).cloned() else {
                    return;
                };
                let Some((i, p)) = self
                    .world
                    .producers
                    .iter_mut()
                    .enumerate()
                    .find(|(_, p)| p.cfg.name == *producer)
                else {
                    return;
                };
                p.values.upgrade(value_schema.clone(), schema);
                self.out.trace(
                    now,
                    NodeId::Producer(i as u32),
                    TraceKind::SchemaRegistered,
                    format!("{producer} is redeployed writing {value_schema}"),
                );
            }
            ActionKind::UpgradeGroup {
                group_id,
                value_schema,
            } => {
                let Some(schema) = self.world.scenario.schema(value_schema).cloned() else {
                    return;
                };
                let Some(g) = self
                    .world
                    .group_configs
                    .iter()
                    .position(|c| c.group_id == *group_id)
                else {
                    return;
                };
                if let Some(cfg) = self.world.group_configs.get_mut(g) {
                    let mut changed = (**cfg).clone();
                    changed.value_schema = Some(value_schema.clone());
                    *cfg = Arc::new(changed);
                }
                for c in self
                    .world
                    .consumers
                    .iter_mut()
                    .filter(|c| c.group == g as u32)
                {
                    c.values.upgrade(schema.clone());
                    self.out.trace(
                        now,
                        NodeId::Consumer(c.index),
                        TraceKind::SchemaRegistered,
                        format!("{} is redeployed reading {value_schema}", c.name),
                    );
                }
            }
            ActionKind::SetCompatibility {
                subject,
                compatibility,
            } => {
                self.world
                    .registry
                    .set_compatibility(subject, *compatibility);
                self.out.trace(
                    now,
                    NodeId::Registry,
                    TraceKind::SchemaRegistered,
                    format!("{subject}: compatibility set to {}", compatibility.name()),
                );
            }
            _ => {}
        }
    }
}
