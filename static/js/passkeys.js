// Passkeys on the second-factor pages. A form marked data-passkey="create" or "get" carries the
// server's WebAuthn options in data-options; on submit this asks the browser to make or use a passkey
// with them, puts its answer (as JSON) in the form's hidden field and sends the form. Nothing else is
// sent anywhere. The forms stay hidden where this cannot work; codes need no script at all.
"use strict";

(function () {
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  function toBytes(base64url) {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    let binary = "";
    for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withIds(descriptors) {
    return (descriptors || []).map((descriptor) => Object.assign({}, descriptor, { id: toBytes(descriptor.id) }));
  }

  function creationOptions(options) {
    return Object.assign({}, options, {
      challenge: toBytes(options.challenge),
      user: Object.assign({}, options.user, { id: toBytes(options.user.id) }),
      excludeCredentials: withIds(options.excludeCredentials),
    });
  }

  function requestOptions(options) {
    return Object.assign({}, options, {
      challenge: toBytes(options.challenge),
      allowCredentials: withIds(options.allowCredentials),
    });
  }

  // The JSON form of a credential that the server's WebAuthn library reads.
  function answerOf(credential) {
    const response = credential.response;
    const answer = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toBase64url(response.clientDataJSON) },
    };
    if (credential.authenticatorAttachment) answer.authenticatorAttachment = credential.authenticatorAttachment;
    if (response.attestationObject) {
      answer.response.attestationObject = toBase64url(response.attestationObject);
      if (response.getTransports) answer.response.transports = response.getTransports();
    } else {
      answer.response.authenticatorData = toBase64url(response.authenticatorData);
      answer.response.signature = toBase64url(response.signature);
      if (response.userHandle) answer.response.userHandle = toBase64url(response.userHandle);
    }
    return JSON.stringify(answer);
  }

  function explain(error) {
    if (error && error.name === "NotAllowedError") return "No passkey was used: it was cancelled, or took too long. Try again.";
    if (error && error.name === "InvalidStateError") return "This device already holds a passkey for your account.";
    return "Your browser could not use a passkey here" + (error && error.message ? ": " + error.message : ".");
  }

  function enhance(form) {
    const answer = form.querySelector("[data-passkey-answer]");
    const problem = form.querySelector("[data-passkey-problem]");
    const button = form.querySelector("button[type=submit]");
    form.hidden = false;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      problem.hidden = true;
      button.disabled = true;
      try {
        const options = JSON.parse(form.dataset.options);
        const credential =
          form.dataset.passkey === "create"
            ? await navigator.credentials.create({ publicKey: creationOptions(options) })
            : await navigator.credentials.get({ publicKey: requestOptions(options) });
        answer.value = answerOf(credential);
        form.submit(); // no submit event this time: the answer goes to the server
      } catch (error) {
        problem.textContent = explain(error);
        problem.hidden = false;
        button.disabled = false;
      }
    });
  }

  document.querySelectorAll("form[data-passkey]").forEach(enhance);
  document.querySelectorAll("[data-passkey-unavailable]").forEach((note) => {
    note.hidden = true;
  });
})();
