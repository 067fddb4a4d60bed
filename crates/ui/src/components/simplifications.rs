//! Where the simulation simplifies Apache Kafka, said plainly on the page.

use yew::Html;

/// The list is written in `index.html` (`#simplifications`, hidden): words the page shows need
/// not be in the download. This moves it into the settings column and shows it. `None` where
/// the page has no such element.
pub fn simplifications() -> Option<Html> {
    let list = web_sys::window()?
        .document()?
        .get_element_by_id("simplifications")?;
    list.remove_attribute("hidden").ok()?;
    Some(Html::VRef(list.into()))
}
