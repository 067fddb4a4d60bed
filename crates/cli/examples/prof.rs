use kafka_sim::scenario::presets::busy_scaled;
use kafka_sim::Simulation;
fn cpu() -> f64 {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap();
    s.split_whitespace().next().unwrap().parse::<f64>().unwrap() / 1e9
}
fn main() {
    for a in std::env::args().skip(1) {
        let p: u32 = a.parse().unwrap();
        let s = busy_scaled(p, 4, &[4, 2]);
        let t = cpu();
        let mut sim = Simulation::new(s);
        sim.run_to_end();
        let r = sim.report();
        let secs = cpu() - t;
        println!(
            "p={} events={} cpu={:.2} ev/s={:.0} hash={}",
            p,
            r.events,
            secs,
            r.events as f64 / secs,
            r.trace_hash
        );
    }
}
