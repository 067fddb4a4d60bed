use kafka_sim::scenario::parse_scenario;
use kafka_sim::Simulation;
fn main() {
    let text = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let t: u64 = std::env::args().nth(2).unwrap().parse().unwrap();
    let mut sim = Simulation::new(parse_scenario(&text).unwrap());
    sim.advance_to(t * 1000);
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
    for m in sim.messages_in_flight() {
        println!("{:?} {:?}->{:?} {}", m.kind, m.from, m.to, m.arrive_us);
    }
}
