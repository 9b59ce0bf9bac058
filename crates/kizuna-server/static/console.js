// Kizuna's staff console: additions to pages that work without JavaScript —
// the live preview while writing, live delivery progress and safety check-in
// counts, the countdown of an
// emergency send, and focus on the error summary. Loaded from /static (the
// console's Content-Security-Policy allows no inline script).
(function () {
  'use strict';

  var summary = document.querySelector('[data-error-summary]');
  if (summary) {
    summary.focus();
  }

  var form = document.querySelector('form[data-preview]');
  var preview = document.getElementById('preview');
  if (form && preview && window.fetch && window.URLSearchParams) {
    var timer = null;
    var update = function () {
      var data = new URLSearchParams(new FormData(form));
      data.delete('action');
      fetch(form.getAttribute('data-preview'), {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: data.toString()
      }).then(function (response) {
        return response.ok ? response.text() : null;
      }).then(function (html) {
        if (html !== null) {
          preview.innerHTML = html;
        }
      }).catch(function () {});
    };
    form.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(update, 400);
    });
  }

  // What a page without JavaScript says about refreshing it, where the script
  // keeps the page up to date instead.
  var takeOver = function (container) {
    var hints = container.querySelectorAll('[data-without-script]');
    for (var i = 0; i < hints.length; i += 1) {
      hints[i].hidden = true;
    }
  };

  var progress = document.querySelector('[data-progress]');
  if (progress && window.EventSource) {
    takeOver(progress);
    var source = new EventSource(progress.getAttribute('data-progress'));
    var show = function (name, value) {
      var element = progress.querySelector('[data-field="' + name + '"]');
      if (!element) {
        return;
      }
      if (element.tagName === 'PROGRESS') {
        element.value = value;
        element.textContent = value + '%';
      } else {
        element.textContent = value === '' ? '\u2014' : String(value);
      }
    };
    source.addEventListener('progress', function (event) {
      var p = JSON.parse(event.data);
      ['summary', 'total', 'queued', 'sent', 'deferred', 'bounced', 'failed', 'per_minute', 'remaining'].forEach(function (name) {
        show(name, p[name]);
      });
      show('percent', p.percent);
      show('percent-text', p.percent);
      if (p.finished) {
        source.close();
        window.location.reload();
      }
    });
    source.addEventListener('error', function () {
      source.close();
    });
  }

  // Safety check-in counts: each counted cell names itself in data-check-in.
  var checkIns = document.querySelector('[data-check-ins]');
  if (checkIns && window.EventSource) {
    takeOver(checkIns);
    var answers = new EventSource(checkIns.getAttribute('data-check-ins'));
    answers.addEventListener('checkins', function (event) {
      var fields = JSON.parse(event.data).fields;
      Object.keys(fields).forEach(function (name) {
        var cell = checkIns.querySelector('[data-check-in="' + name + '"]');
        if (cell) {
          cell.textContent = String(fields[name]);
        }
      });
    });
    answers.addEventListener('error', function () {
      answers.close();
    });
  }

  var countdown = document.querySelector('[data-countdown]');
  if (countdown) {
    takeOver(countdown);
    var left = parseInt(countdown.getAttribute('data-countdown'), 10);
    var text = countdown.querySelector('.lead');
    var tick = setInterval(function () {
      left -= 1;
      if (left <= 0) {
        clearInterval(tick);
        window.location.reload();
      } else if (text) {
        text.textContent = text.textContent.replace(/\d+/, String(left));
      }
    }, 1000);
  }
}());
