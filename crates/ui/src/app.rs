use yew::prelude::*;

#[component]
pub fn App() -> Html {
    html! {
        <div class="app" data-rendered-by="wasm">
            <header class="app-header"><h1>{"Kafka Playground"}</h1></header>
            <main class="stage" aria-label="Stage">
                <p class="stage-empty">{"The cluster will appear here."}</p>
            </main>
            <footer class="app-footer">
                {format!("Kafka Playground v{}", env!("CARGO_PKG_VERSION"))}
            </footer>
        </div>
    }
}
