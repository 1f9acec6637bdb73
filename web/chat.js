// Spasm Aid web chat: talks to Rasa's socket.io channel on the same server.
// The assistant marks routing replies with {"triage": "emergency" | "urgent" | "self_care",
// "call": <number>}; an emergency shows a big "Call <number>" link (tel:) and moves focus to it.
(function () {
  "use strict";
  var log = document.getElementById("log");
  var quick = document.getElementById("quick");
  var call = document.getElementById("call");
  var statusLine = document.getElementById("status");
  var form = document.getElementById("send");
  var input = document.getElementById("text");
  var aloud = document.getElementById("aloud");
  if (!("speechSynthesis" in window)) { aloud.parentNode.hidden = true; }

  var sessionId = sessionStorage.getItem("spasm-aid-session");
  var confirmed = false;
  var waiting = [];  // typed before the connection was ready: sent once it is

  // The page's texts (with the configured number) are rendered by the server from domain.yml
  // (spasm_aid/replies.py); a payload's number replaces the page's in the call link.
  function setNumber(number) {
    number = String(number);
    if (number === call.dataset.number) { return; }
    call.textContent = call.textContent.split(call.dataset.number).join(number);
    call.dataset.number = number;
    call.href = "tel:" + number;
  }

  function add(who, text) {
    var item = document.createElement("li");
    item.className = who;
    String(text).split("\n").forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;  // text only: nothing the server sends is run as HTML
      item.appendChild(p);
    });
    log.appendChild(item);
    item.scrollIntoView({block: "end"});
    if (who === "bot" && aloud.checked && window.speechSynthesis) {
      window.speechSynthesis.speak(new SpeechSynthesisUtterance(String(text)));
    }
  }

  function showQuickReplies(replies) {
    quick.innerHTML = "";
    (replies || []).forEach(function (reply) {
      // a URL button (the emergency reply's "tel:" one, for widgets that drop custom payloads):
      // this page shows its own call link instead
      if (reply.url) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = reply.title;
      button.addEventListener("click", function () { send(reply.payload, reply.title); });
      quick.appendChild(button);
    });
  }

  function showTriage(payload) {
    if (payload.call) { setNumber(payload.call); }
    if (payload.triage === "emergency") {
      call.hidden = false;
      call.focus();
    }
  }

  var socket = io({path: "/socket.io", transports: ["websocket", "polling"]});
  socket.on("connect", function () {
    statusLine.textContent = "";
    socket.emit("session_request", {session_id: sessionId});
  });
  socket.on("connect_error", function () {
    statusLine.textContent = statusLine.dataset.unreachable;
  });
  socket.on("session_confirm", function (data) {
    sessionId = (data && data.session_id) || data;
    sessionStorage.setItem("spasm-aid-session", sessionId);
    confirmed = true;
    waiting.splice(0).forEach(emit);
  });
  socket.on("disconnect", function () { confirmed = false; });
  socket.on("bot_uttered", function (message) {
    if (message.text) { add("bot", message.text); }
    if (message.quick_replies || message.buttons) {
      showQuickReplies(message.quick_replies || message.buttons);
    }
    if (message.triage) { showTriage(message); }
    if (message.custom && message.custom.triage) { showTriage(message.custom); }
  });

  function send(payload, shown) {
    if (!payload.trim()) { return; }
    add("user", shown || payload);
    showQuickReplies([]);
    if (confirmed) { emit(payload); } else { waiting.push(payload); }
  }

  function emit(payload) {
    socket.emit("user_uttered", {message: payload, session_id: sessionId});
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    send(input.value);
    input.value = "";
    input.focus();
  });

  input.focus();
}());
