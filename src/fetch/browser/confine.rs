//! What a rendered page's script may use besides the network: the WebRTC interfaces are
//! taken from every frame before any of the page's own script runs, and every dialog it
//! opens (`alert`, `confirm`, `prompt`, `beforeunload`) is answered at once, dismissed.
//!
//! WebRTC sends its STUN and TURN packets itself, over UDP, past the Fetch domain that
//! answers every other request (see `intercept`). The browser's flags keep it from sending
//! UDP at all (see `launch`); removing the interfaces is the second wall: a page cannot
//! make a peer connection, so it has no ICE candidates (the machine's addresses) to show.

use serde_json::{Value, json};

use super::cdp::{CdpError, Connection};

/// Run in every frame of the tab as its document is made, before the page's scripts: every
/// global whose name starts with `RTC` or `webkitRTC` (`RTCPeerConnection`,
/// `RTCDataChannel`, `RTCIceCandidate` and the rest) is deleted. They are all configurable
/// properties of the global object, as Web IDL makes interface objects.
pub const NO_WEBRTC: &str = r#"(() => {
  for (const name of Object.getOwnPropertyNames(globalThis)) {
    if (/^(webkit)?RTC/.test(name)) {
      try { delete globalThis[name]; } catch (e) {}
    }
  }
})();"#;

/// Make the tab's frames as confined as [`NO_WEBRTC`] says: in the document there now, and
/// in every document it makes from now on (frames included). Needs the Page domain enabled.
pub async fn prepare(connection: &Connection, session: &str) -> Result<(), CdpError> {
    connection
        .call(
            Some(session),
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": NO_WEBRTC, "runImmediately": true }),
        )
        .await?;
    Ok(())
}

/// Answer the dialog of a `Page.javascriptDialogOpening` event: dismissed (`alert` closed,
/// `confirm` false, `prompt` null, `beforeunload` staying on the page). The page's script
/// waits for the answer, so it is given at once.
pub async fn answer_dialog(connection: &Connection, session: &str, params: &Value) {
    let kind = params
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("dialog");
    tracing::debug!(kind, "dismissed a dialog of the page");
    let answered = connection
        .call(
            Some(session),
            "Page.handleJavaScriptDialog",
            json!({ "accept": false }),
        )
        .await;
    if let Err(e) = answered {
        tracing::debug!("the browser did not take a dialog's answer: {e}");
    }
}
