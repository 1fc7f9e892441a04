/*
 * selfcare browser speed test.
 *
 * ES5 only, XMLHttpRequest only: it must run in Internet Explorer 11 on an old computer
 * (no let/const, arrow functions, Promise, fetch or template strings).
 * Several parallel TCP streams per direction, a warm-up that is discarded, and results as
 * TCP payload (factor 1; no 1.06 "overhead" inflation). Not the regulator's method: its
 * client counts TLS framing and measures 10 s after a 3 s start-up (see the README).
 *
 * Upload: where upload progress events are unusable (Internet Explorer 11, old Edge,
 * Safari fire them late, in bursts or not at all) the upload goes in small chunks, each
 * counted when its request's `onload` fires, as LibreSpeed does for those browsers.
 *
 * The server issues a test id first and counts the transfers of that test itself: what it
 * stores and shows first are its figures; this script's own are shown beside them.
 */
(function (window, document) {
  "use strict";

  // The configuration is a JSON data block, not a script: the page's CSP allows no inline script.
  var config = JSON.parse(document.getElementById("sc-config").text);
  var texts = config.texts;
  var testId = null;

  function now() {
    if (window.performance && window.performance.now) {
      return window.performance.now();
    }
    return new Date().getTime();
  }

  function byId(id) {
    return document.getElementById(id);
  }

  function show(id, text) {
    var element = byId(id);
    if (!element) {
      return;
    }
    while (element.firstChild) {
      element.removeChild(element.firstChild);
    }
    element.appendChild(document.createTextNode(text));
  }

  function addParam(url, name, value) {
    var joiner = url.indexOf("?") >= 0 ? "&" : "?";
    return url + joiner + encodeURIComponent(name) + "=" + encodeURIComponent(value);
  }

  function fresh(url) {
    return addParam(url, "r", String(Math.random()).substring(2));
  }

  function mbit(kbps) {
    var text = (kbps / 1000).toFixed(2);
    return (config.lang === "de" ? text.replace(".", ",") : text) + " Mbit/s";
  }

  function request(method, url, body, done) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, fresh(url), true);
    if (body !== null) {
      xhr.setRequestHeader("Content-Type", "application/json");
      if (config.csrf) {
        xhr.setRequestHeader("X-CSRF-Token", config.csrf);
      }
    }
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) {
        return;
      }
      var answer = null;
      try {
        answer = JSON.parse(xhr.responseText);
      } catch (ignored) {
        answer = null;
      }
      done(xhr.status, answer);
    };
    xhr.send(body === null ? null : JSON.stringify(body));
  }

  function measurePing(count, done) {
    var times = [];
    function one() {
      if (times.length >= count) {
        times.sort(function (a, b) {
          return a - b;
        });
        done(times[Math.floor(times.length / 2)]);
        return;
      }
      var xhr = new XMLHttpRequest();
      var started = now();
      xhr.open("GET", fresh(config.urls.ping), true);
      xhr.onreadystatechange = function () {
        if (xhr.readyState === 4) {
          times.push(now() - started);
          one();
        }
      };
      xhr.send(null);
    }
    one();
  }

  function makePayload(bytes) {
    var block = new Uint8Array(1048576);
    var i;
    for (i = 0; i < block.length; i += 1) {
      block[i] = Math.floor(Math.random() * 256);
    }
    var parts = [];
    for (i = 0; i < Math.max(1, Math.floor(bytes / block.length)); i += 1) {
      parts.push(block);
    }
    var whole = new Blob(parts, { type: "application/octet-stream" });
    return { whole: whole, chunk: whole.slice(0, Math.min(config.uploadChunkBytes, whole.size)) };
  }

  /* True where xhr.upload progress events cannot be trusted to time an upload. */
  function uploadProgressUnusable() {
    var agent = window.navigator.userAgent || "";
    if (config.forceChunkedUpload) {
      return true;
    }
    if (!window.XMLHttpRequest || !("upload" in new XMLHttpRequest())) {
      return true;
    }
    if (agent.indexOf("Trident/") >= 0 || agent.indexOf("MSIE ") >= 0 || agent.indexOf("Edge/") >= 0) {
      return true;
    }
    return /Safari\//.test(agent) && !/(Chrome|Chromium|CriOS|Android)\//.test(agent);
  }

  var chunkedUpload = uploadProgressUnusable();

  /* Run `streams` parallel transfers for `durationMs`; bytes before `warmupMs` are dropped. */
  function runStreams(direction, streams, durationMs, warmupMs, payload, done) {
    var total = 0;
    var atWarmup = null;
    var warmupAt = null;
    var started = now();
    var finished = false;
    var running = [];
    var timer = null;

    function transfer(index) {
      if (finished) {
        return;
      }
      var xhr = new XMLHttpRequest();
      var seen = 0;
      running[index] = xhr;
      function count(loaded) {
        if (loaded > seen) {
          total += loaded - seen;
          seen = loaded;
        }
      }
      function again() {
        if (!finished) {
          transfer(index);
        }
      }
      function retry() {
        window.setTimeout(again, 200);
      }
      if (direction === "down") {
        xhr.open("GET", fresh(addParam(addParam(config.urls.garbage, "test", testId), "ckSize", config.chunks)), true);
        xhr.responseType = "arraybuffer";
        xhr.onprogress = function (event) {
          count(event.loaded);
        };
        xhr.onload = function (event) {
          count(event.loaded);
          again();
        };
        xhr.onerror = retry;
        xhr.send(null);
      } else if (chunkedUpload) {
        /* Small chunks, each counted whole when the server has answered it. */
        xhr.open("POST", fresh(addParam(config.urls.upload, "test", testId)), true);
        xhr.setRequestHeader("Content-Type", "application/octet-stream");
        xhr.onload = function () {
          total += payload.chunk.size;
          again();
        };
        xhr.onerror = retry;
        xhr.send(payload.chunk);
      } else {
        xhr.open("POST", fresh(addParam(config.urls.upload, "test", testId)), true);
        xhr.setRequestHeader("Content-Type", "application/octet-stream");
        xhr.upload.onprogress = function (event) {
          count(event.loaded);
        };
        xhr.onload = function () {
          count(payload.whole.size);
          again();
        };
        xhr.onerror = retry;
        xhr.send(payload.whole);
      }
    }

    function starter(index) {
      return function () {
        transfer(index);
      };
    }

    function finish() {
      var i;
      finished = true;
      window.clearInterval(timer);
      for (i = 0; i < running.length; i += 1) {
        try {
          running[i].abort();
        } catch (ignored) {
          /* an already finished request cannot be aborted */
        }
      }
      var elapsed = now() - warmupAt;
      var bytes = total - atWarmup;
      /* bytes * 8 bits / milliseconds = kbit/s, TCP payload, factor 1 */
      done(elapsed > 0 ? Math.round((bytes * 8) / elapsed) : 0);
    }

    var s;
    for (s = 0; s < streams; s += 1) {
      window.setTimeout(starter(s), s * config.staggerMs);
    }
    timer = window.setInterval(function () {
      var elapsed = now() - started;
      if (atWarmup === null && elapsed >= warmupMs) {
        atWarmup = total;
        warmupAt = now();
      }
      if (elapsed >= durationMs && atWarmup !== null) {
        finish();
      }
    }, 50);
  }

  function chosenConnection() {
    var inputs = document.getElementsByName("connection");
    var i;
    for (i = 0; i < inputs.length; i += 1) {
      if (inputs[i].checked) {
        return inputs[i].value;
      }
    }
    return null;
  }

  function showSchedule(answer) {
    if (answer && answer.schedule) {
      show("sc-next", answer.schedule.text);
    }
  }

  function beside(server, client) {
    return mbit(server) + " (" + texts.browser + " " + mbit(client) + ")";
  }

  function report(connection, ping, down, up) {
    var box = byId("sc-new-series");
    var body = {
      test_id: testId,
      download_kbps: down,
      upload_kbps: up,
      ping_ms: Math.round(ping),
      connection: connection,
      new_series: box ? box.checked : false
    };
    show("sc-status", texts.saving);
    request("POST", config.urls.results, body, function (status, answer) {
      byId("sc-start").disabled = false;
      if (status !== 200 || !answer) {
        show("sc-status", texts.failed + " (HTTP " + status + ")");
        document.body.setAttribute("data-state", "failed");
        return;
      }
      show("sc-download", beside(answer.measurement.download_kbps, down));
      show("sc-upload", beside(answer.measurement.upload_kbps, up));
      show("sc-status", answer.message);
      showSchedule(answer);
      document.body.setAttribute("data-state", "done");
    });
  }

  function start() {
    var connection = chosenConnection();
    if (!connection) {
      show("sc-status", texts.chooseConnection);
      return;
    }
    byId("sc-start").disabled = true;
    document.body.setAttribute("data-state", "running");
    var startUrl = addParam(config.urls.start, "duration", String(Math.round(config.durationMs / 1000)));
    request("POST", startUrl, null, function (status, answer) {
      if (status !== 200 || !answer) {
        byId("sc-start").disabled = false;
        show("sc-status", texts.failed + " (HTTP " + status + ")");
        document.body.setAttribute("data-state", "failed");
        return;
      }
      testId = answer.test_id;
      measure(connection);
    });
  }

  function measure(connection) {
    show("sc-status", texts.ping);
    measurePing(config.pings, function (ping) {
      show("sc-ping", Math.round(ping) + " ms");
      show("sc-status", texts.download);
      runStreams("down", config.downStreams, config.durationMs, config.warmupDownMs, null, function (down) {
        show("sc-download", mbit(down));
        show("sc-status", texts.upload);
        var payload = makePayload(config.uploadBytes);
        runStreams("up", config.upStreams, config.durationMs, config.warmupUpMs, payload, function (up) {
          show("sc-upload", mbit(up));
          report(connection, ping, down, up);
        });
      });
    });
  }

  function init() {
    byId("sc-start").onclick = start;
    if (byId("sc-form")) {
      byId("sc-form").onsubmit = function () {
        return false;
      };
    }
    request("GET", config.urls.status, null, function (status, answer) {
      if (status === 200) {
        show("sc-next", answer.text);
      }
    });
    request("GET", config.urls.ip, null, function (status, answer) {
      if (status === 200 && answer) {
        show("sc-ip", answer.ip);
      }
    });
    document.body.setAttribute("data-upload", chunkedUpload ? "chunks" : "progress");
    document.body.setAttribute("data-state", "ready");
  }

  init();
})(window, document);
