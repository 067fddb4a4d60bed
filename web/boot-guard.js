// Shows a visible message when the WebAssembly module cannot be loaded or started, so a learner
// never faces a blank page. The app's own panic hook uses the same #fatal element.
(function () {
  function showFatal(text) {
    var box = document.getElementById("fatal");
    if (!box || !box.hidden) return;
    box.textContent = "";
    var title = document.createElement("strong");
    title.textContent = "Kafka Playground could not start. ";
    box.appendChild(title);
    box.appendChild(document.createTextNode(text + " Try reloading the page."));
    box.hidden = false;
  }
  window.kafkaPlaygroundFatal = showFatal;
  var started = false;
  addEventListener("TrunkApplicationStarted", function () { started = true; });
  addEventListener("error", function (e) {
    if (!started) showFatal("Loading the simulation failed (" + (e.message || "a file did not load") + ").");
  }, true);
  addEventListener("unhandledrejection", function (e) {
    if (!started) showFatal("Loading the simulation failed (" + String(e.reason) + ").");
  });
  setTimeout(function () {
    if (!document.querySelector("[data-rendered-by=wasm]")) {
      showFatal("The simulation did not load within 20 seconds.");
    }
  }, 20000);
})();
