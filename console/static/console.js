// Hotline 189 console: live queue over server-sent events, the emergency alarm, small helpers.
// No inline script anywhere (the Content-Security-Policy forbids it); this file does it all.
(function () {
  "use strict";
  var body = document.body;
  var prefix = body.dataset.prefix || "/console/";

  // -- sound: the browser allows it only after the operator has touched the page once --
  var audio = null;
  var soundOn = localStorage.getItem("hotline.sound") !== "off";
  function unlockAudio() {
    if (!audio && (window.AudioContext || window.webkitAudioContext)) {
      audio = new (window.AudioContext || window.webkitAudioContext)();
    }
    if (audio && audio.state === "suspended") audio.resume();
  }
  document.addEventListener("pointerdown", unlockAudio);
  document.addEventListener("keydown", unlockAudio);
  function alarm() {
    if (!soundOn || !audio) return;
    var start = audio.currentTime;
    [0, 0.35, 0.7].forEach(function (offset) {
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.3, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.25);
      osc.connect(gain).connect(audio.destination);
      osc.start(start + offset);
      osc.stop(start + offset + 0.3);
    });
  }
  var toggle = document.getElementById("sound-toggle");
  function showSound() {
    if (!toggle) return;
    var label = soundOn ? toggle.dataset.on : toggle.dataset.off;
    toggle.setAttribute("aria-pressed", soundOn ? "true" : "false");
    toggle.title = label;
    toggle.querySelector(".sr-only").textContent = label;
  }
  if (toggle) {
    toggle.addEventListener("click", function () {
      soundOn = !soundOn;
      localStorage.setItem("hotline.sound", soundOn ? "on" : "off");
      showSound();
    });
    showSound();
  }

  // -- the emergency announcement --
  var alertBox = document.getElementById("alert");
  var title = document.title;
  function announce(number) {
    if (!alertBox || !/^[0-9]+$/.test(number)) return;
    var link = document.getElementById("alert-link");
    link.textContent = "#" + number;
    link.href = prefix + "cases/" + parseInt(number, 10);
    alertBox.hidden = false;
    document.title = "\u{1F534} #" + number + " \u00B7 " + title;
    alarm();
  }
  var hide = document.getElementById("alert-close");
  if (hide) hide.addEventListener("click", function () { alertBox.hidden = true; document.title = title; });

  // -- refreshing a part of the page (htmx when it is there, fetch otherwise) --
  function refresh(element) {
    if (!element || !element.dataset.src) return;
    if (window.htmx) {
      window.htmx.ajax("GET", element.dataset.src, { target: element, swap: "innerHTML" });
    } else {
      fetch(element.dataset.src, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) { element.innerHTML = html; })
        .catch(function () {});
    }
  }
  var queue = document.getElementById("queue");
  var transcript = document.getElementById("transcript");
  function scrollDown() { if (transcript) transcript.scrollTop = transcript.scrollHeight; }
  scrollDown();
  if (transcript) document.addEventListener("htmx:after:swap", scrollDown);

  // -- live events --
  if (body.dataset.live === "on" && window.EventSource) {
    var events = new EventSource(prefix + "events");
    // Whatever changed between the page and the stream (or while reconnecting) shows now.
    var opened = false;
    events.addEventListener("open", function () { if (opened) refresh(queue); opened = true; });
    events.addEventListener("queue", function () { refresh(queue); });
    events.addEventListener("case", function (e) {
      if (transcript && transcript.dataset.caseId === e.data) refresh(transcript);
    });
    events.addEventListener("emergency", function (e) { announce(e.data); refresh(queue); });
    events.addEventListener("ended", function () { events.close(); location.reload(); });
  }
  // Waiting times grow even when nothing else changes.
  if (queue) setInterval(function () { refresh(queue); }, 60000);

  // -- forms --
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.dataset.confirm)) e.preventDefault();
    });
  });
  document.querySelectorAll("textarea[data-send-on-ctrl-enter]").forEach(function (area) {
    area.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && area.value.trim()) {
        e.preventDefault();
        area.form.requestSubmit();
      }
    });
  });
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) {
        setTimeout(function () { b.disabled = true; }, 0);  // no double send
      });
    });
  });
})();
