// latchkey's passkey ceremonies. Each block marked `class="passkey"` is
// hidden in the HTML and shown here, so without JavaScript (or WebAuthn)
// the page is the plain form. A block names its two endpoints and carries
// the page's CSRF token; `data-passkey` buttons say `create` or `get`.
// The page's language reaches the script in `data-msg-*` attributes.
"use strict";

(function () {
  if (!window.PublicKeyCredential || !navigator.credentials) {
    return;
  }

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i++) {
      raw += String.fromCharCode(bytes[i]);
    }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function post(url, body, failed) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) {
          throw new Error(answer.message || failed);
        }
        return answer;
      });
    });
  }

  function creationOptions(options) {
    var key = options.publicKey;
    key.challenge = toBytes(key.challenge);
    key.user.id = toBytes(key.user.id);
    (key.excludeCredentials || []).forEach(function (c) {
      c.id = toBytes(c.id);
    });
    return { publicKey: key };
  }

  function requestOptions(options) {
    var key = options.publicKey;
    key.challenge = toBytes(key.challenge);
    (key.allowCredentials || []).forEach(function (c) {
      c.id = toBytes(c.id);
    });
    return { publicKey: key };
  }

  function created(credential) {
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      extensions: credential.getClientExtensionResults(),
      response: {
        attestationObject: toText(credential.response.attestationObject),
        clientDataJSON: toText(credential.response.clientDataJSON),
        transports: credential.response.getTransports ? credential.response.getTransports() : null
      }
    };
  }

  function asserted(credential) {
    var response = credential.response;
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      extensions: credential.getClientExtensionResults(),
      response: {
        authenticatorData: toText(response.authenticatorData),
        clientDataJSON: toText(response.clientDataJSON),
        signature: toText(response.signature),
        userHandle: response.userHandle ? toText(response.userHandle) : null
      }
    };
  }

  function run(block, button) {
    var error = block.querySelector("[data-passkey-error]");
    var nameField = block.querySelector("[data-passkey-name]");
    var csrf = block.getAttribute("data-csrf");
    var creating = button.getAttribute("data-passkey") === "create";
    var failed = block.getAttribute("data-msg-failed") || "The request failed.";
    var cancelled = block.getAttribute("data-msg-cancelled") ||
      "The passkey was not used (cancelled, or it timed out).";
    var start = { csrf_token: csrf };
    if (nameField) {
      start.name = nameField.value;
    }
    error.hidden = true;
    button.disabled = true;
    post(block.getAttribute("data-start"), start, failed)
      .then(function (begun) {
        var ceremony = creating
          ? navigator.credentials.create(creationOptions(begun.options)).then(created)
          : navigator.credentials.get(requestOptions(begun.options)).then(asserted);
        return ceremony.then(function (credential) {
          var finish = { csrf_token: csrf, ceremony: begun.ceremony, credential: credential };
          if (block.hasAttribute("data-next")) {
            finish.next = block.getAttribute("data-next");
          }
          return post(block.getAttribute("data-finish"), finish, failed);
        });
      })
      .then(function (done) {
        window.location.assign(done.location);
      })
      .catch(function (e) {
        error.textContent = e.name === "NotAllowedError"
          ? cancelled
          : e.message;
        error.hidden = false;
        button.disabled = false;
      });
  }

  document.querySelectorAll(".passkey").forEach(function (block) {
    block.querySelectorAll("[data-passkey]").forEach(function (button) {
      button.addEventListener("click", function () {
        run(block, button);
      });
    });
    block.hidden = false;
  });
})();
