// The pinned scenario the control tests edit: async, idempotence off, retries and a window of 5,
// with one NOT_ENOUGH_REPLICAS injected early, so the retried batch lands after later ones.
export const PINNED = {
  format: 1,
  seed: 7,
  "kafka.version": "3.9",
  "duration.ms": 3000,
  cluster: { brokers: 3 },
  network: { "latency.ms": 2.0, "jitter.ms": 0.5, "loss.rate": 0.0 },
  topics: [{ name: "orders", partitions: 3, "replication.factor": 3, "min.insync.replicas": 2 }],
  producers: [{
    name: "p1", topic: "orders", "send.mode": "async",
    records: 3000, "records.per.sec": 2000, keys: 6,
    acks: "all", retries: 10, "retry.backoff.ms": 20,
    "max.in.flight.requests.per.connection": 5, "enable.idempotence": false, "linger.ms": 0,
  }],
  actions: [
    { "at.ms": 500, do: "fail-requests", broker: 0, error: "NOT_ENOUGH_REPLICAS", count: 1 },
    { "at.ms": 500, do: "fail-requests", broker: 1, error: "NOT_ENOUGH_REPLICAS", count: 1 },
    { "at.ms": 500, do: "fail-requests", broker: 2, error: "NOT_ENOUGH_REPLICAS", count: 1 },
  ],
};
