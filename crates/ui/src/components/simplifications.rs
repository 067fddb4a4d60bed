//! Where the simulation simplifies Apache Kafka, said plainly on the page.

use crate::markup::el;
use yew::Html;

/// What the page says, one item each. Compiled in: fetching them as a file beside the page
/// was measured at 1 KB more gzip (a component, its state and its fetch) than the words save.
const ITEMS: &[&str] = &[
    "Time is simulated: the network is a latency with jitter and a loss rate; bandwidth, disks and CPU cost nothing.",
    "loss.rate is loss under TCP: a lost message is retransmitted after 200 ms plus the round trip (doubling if lost again) and the messages behind it on its connection wait for it; nothing is dropped. Each message counts as one segment, and connection resets after 15 retransmissions are not modelled.",
    "Records carry no payload; value.bytes only counts towards batch.size, max.request.size and buffer.memory.",
    "max.block.ms bounds only a send() waiting for buffer.memory: the producer starts knowing its topic's partitions, so the wait for metadata in send() never happens. A batch.size above buffer.memory, where Kafka's every send() throws IllegalArgumentException to the application, is refused.",
    "Brokers never run out of memory or disk, and logs are never compacted or deleted.",
    "One connection per producer and broker; no TLS, SASL, quotas or throttling.",
    "Clients start connected to every broker. After a disconnect a producer waits reconnect.backoff.ms (50 ms, doubling to 1 s, without Kafka's jitter) and reconnects; it sends nothing to a broker it is not connected to.",
    "A restarted broker registers as in KRaft: refused while its old process's session is valid, then fenced, caught up and unfenced. ZooKeeper-era brokers were blocked the same way by their old ephemeral node, but exited instead of retrying.",
    "Consumer groups: member ids are the consumer names (the MEMBER_ID_REQUIRED round trip of 2.2+ is skipped); the coordinator keeps the committed offsets as __consumer_offsets would, and that topic is not drawn.",
    "A coordinator move loads the group from __consumer_offsets and, as in Kafka, starts no rebalance by itself. A rebalance already under way goes on at the new coordinator; Kafka would load the last completed generation and let the members join again.",
    "Clients refresh their metadata every metadata.max.age.ms only in scenarios with an add-partitions action; otherwise a refresh would fetch nothing new (leader changes are learned from errors).",
    "The ledger counts a record as committed when it is below the high watermark of its partition's current leader at the position shown. The leader is the controller's: a crashed leader still leads (its records committed or at risk) until the controller notices, one broker session timeout later; then its partition has a new leader or none (unavailable).",
];

/// A plain function (no component), which saves a component's generic machinery in the
/// download; the page memoises what it returns, so it is built once.
pub fn simplifications() -> Html {
    el("details")
        .class("simplifications")
        .el(el("summary").text("Simplifications"))
        .el(el("ul").child(
            ITEMS
                .iter()
                .map(|item| el("li").text(*item).html())
                .collect(),
        ))
        .html()
}
