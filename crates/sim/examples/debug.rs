use kafka_sim::scenario::parse_scenario;
use kafka_sim::Simulation;
fn main() {
    let text = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let mut sim = Simulation::new(parse_scenario(&text).unwrap());
    let mut t = 0;
    while !sim.is_finished() {
        t += 1000;
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sim.advance_to(t)));
        for e in sim.take_events() {
            println!("{:>10.3} {} {}", e.time_us as f64 / 1000.0, e.node, e.text);
        }
        if r.is_err() {
            let v = sim.view();
            for b in &v.brokers {
                println!("broker {} alive {} iso {}", b.id, b.alive, b.isolated);
                for r in &b.replicas {
                    println!("   {:?}", r);
                }
            }
            for p in &v.partitions {
                println!("{:?}", p);
            }
            for (pi, r) in &sim.brokers[0].replicas {
                for b in r.log.iter().rev().take(8) {
                    println!(
                        "p{} off {} recs {:?} id {:?} ep {}",
                        pi, b.base_offset, b.records, b.identity, b.leader_epoch
                    );
                }
            }
            break;
        }
    }
}
