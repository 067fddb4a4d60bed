use kafka_sim::presets::ScenarioBuilder;
use kafka_sim::scenario::KafkaVersion;
use kafka_sim::Simulation;

#[test]
fn smoke() {
    let s = ScenarioBuilder::new(KafkaVersion::new(3, 9))
        .producer(|_| {})
        .build();
    let mut sim = Simulation::new(s);
    sim.run_to_end();
    let r = sim.report();
    println!("{}", serde_json::to_string_pretty(&r.records).unwrap());
    println!(
        "{:?} {} events {}",
        r.latency_ms, r.throughput_records_per_sec, r.events
    );
    for e in sim.take_events().iter().take(20) {
        println!("{} {}", e.time_us, e.text);
    }
}
