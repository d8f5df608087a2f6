/* The staff calendar: mounts the vendored EventCalendar on /medewerkers/agenda, reads the
 * events from the JSON feed and moves a visit when it is dropped on another time (or
 * another clerk's column). Every text comes translated from the page
 * (#staff-calendar-config); the server decides, the script only asks and reports. */
(function () {
  "use strict";

  var section = document.querySelector("[data-calendar-section]");
  var mount = document.getElementById("staff-calendar");
  var configNode = document.getElementById("staff-calendar-config");
  if (!section || !mount || !configNode || !window.EventCalendar) {
    return; // Without the component the table below is the calendar.
  }
  var config = JSON.parse(configNode.textContent);
  var texts = config.texts;
  var status = document.getElementById("calendar-status");
  var tokenNode = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = tokenNode ? tokenNode.getAttribute("content") : "";
  // Background events tied to one person; a week of a whole team has no person columns.
  var PERSONAL_BACKGROUND = ["cal-counter-shift", "cal-back-office", "cal-absence"];
  var hasResources = config.view.indexOf("resource") === 0;

  function say(text, kind) {
    status.textContent = text;
    status.className = "calendar-status" + (kind ? " calendar-status-" + kind : "");
  }

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  /* The calendar runs on the city's wall clock, whatever zone the browser is set to: the
   * feed's times ("2026-12-07T10:30:00+01:00", Brussels) lose their offset before the
   * component sees them, so a visit at 10:30 stands at 10:30 on the time axis; what goes
   * back to the server is the wall-clock time without an offset, which the server reads
   * as Brussels time. (With the offset kept, a browser set to UTC drew every visit an hour
   * early and moved a dropped visit an hour late.) */
  var OFFSET = /([+-]\d{2}:\d{2}|Z)$/;

  function cityWallClock(text) {
    return typeof text === "string" ? text.replace(OFFSET, "") : text;
  }

  function wallClockIso(moment) {
    return moment.getFullYear() + "-" + pad(moment.getMonth() + 1) + "-" + pad(moment.getDate()) +
      "T" + pad(moment.getHours()) + ":" + pad(moment.getMinutes()) + ":" + pad(moment.getSeconds());
  }

  function browserOnCityTime() {
    try {
      var now = new Date();
      var city = new Intl.DateTimeFormat("en-GB", {
        timeZone: "Europe/Brussels", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
      }).format(now);
      return city === pad(now.getHours()) + ":" + pad(now.getMinutes());
    } catch (problem) {
      return false;
    }
  }

  function shownHere(event) {
    if (hasResources || event.display !== "background") {
      return true;
    }
    var classes = event.classNames || [];
    return !classes.some(function (name) { return PERSONAL_BACKGROUND.indexOf(name) >= 0; });
  }

  function loadEvents(fetchInfo) {
    var address = new URL(config.eventsUrl, window.location.href);
    address.searchParams.set("start", wallClockIso(fetchInfo.start));
    address.searchParams.set("end", wallClockIso(fetchInfo.end));
    return fetch(address.toString(), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.json();
    }).then(function (events) {
      return events.filter(shownHere).map(function (event) {
        event.start = cityWallClock(event.start);
        event.end = cityWallClock(event.end);
        // The component keeps only known fields: carry the visit's page along.
        if (event.url) {
          event.extendedProps = event.extendedProps || {};
          event.extendedProps.url = event.url;
        }
        return event;
      });
    }).catch(function () {
      say(texts.loadFailed, "error");
      return [];
    });
  }

  function readAnswer(response) {
    return response.json().catch(function () {
      return { ok: false, message: texts.moveFailed };
    }).then(function (body) {
      if (!response.ok || !body.ok) {
        throw new Error(body.message || texts.moveFailed);
      }
      return body;
    });
  }

  /* The list under the grid, read again from the server after a move: the page's own
   * address gives the same list with the visit at its new time. Kept as it was when
   * the page cannot be read (the status line already said the move went through). */
  function refreshList() {
    var list = document.querySelector(".calendar-list");
    if (!list || !window.DOMParser) {
      return;
    }
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      }).then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(".calendar-list");
        if (fresh) {
          list.replaceChildren.apply(list, Array.prototype.slice.call(fresh.childNodes));
        }
      }).catch(function () { /* the list stays; reloading the page shows the new time */ });
  }

  function moveVisit(info) {
    var staffId = null;
    if (config.by !== "counter") {
      var column = info.newResource || (info.event.resourceIds.length ? { id: info.event.resourceIds[0] } : null);
      staffId = column ? Number(column.id) : null;
    }
    say(texts.moving, "busy");
    fetch(config.moveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken,
      },
      body: JSON.stringify({
        visit_id: Number(info.event.id),
        start: wallClockIso(info.event.start),
        staff_id: staffId,
      }),
    }).then(readAnswer).then(function (body) {
      say(body.message, "success");
      calendar.refetchEvents();
      refreshList();
    }).catch(function (problem) {
      info.revert();
      say(problem && problem.message ? problem.message : texts.moveFailed, "error");
    });
  }

  section.hidden = false;
  var calendar = window.EventCalendar.create(mount, {
    view: config.view,
    date: config.date,
    resources: config.resources,
    eventSources: [{ events: loadEvents }],
    headerToolbar: { start: "title", center: "", end: "" },
    locale: config.locale,
    firstDay: 1,
    slotMinTime: "08:00",
    slotMaxTime: "20:00",
    scrollTime: "08:00",
    slotDuration: "00:30",
    slotHeight: 48,
    // Visits at the same time stand side by side, never on top of each other.
    slotEventOverlap: false,
    snapDuration: { minutes: config.gridMinutes },
    height: "auto",
    // The "now" line follows the browser's clock: shown only when that is Brussels time.
    nowIndicator: browserOnCityTime(),
    allDayContent: texts.allDay,
    editable: false,
    // Only the visits the feed marks "startEditable" can be dragged; none can be resized.
    eventStartEditable: false,
    eventDurationEditable: false,
    eventTimeFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
    slotLabelFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
    eventDrop: moveVisit,
    eventClick: function (info) {
      var target = info.event.extendedProps && info.event.extendedProps.url;
      if (target && info.event.display === "auto") {
        window.location.assign(target);
      }
    },
    // The feed's title starts with the time already; show it once. Of the backgrounds
    // only a closed day says why.
    eventContent: function (info) {
      var event = info.event;
      var closed = (event.classNames || []).indexOf("cal-closed-day") >= 0;
      return event.display === "auto" || closed ? event.title : "";
    },
    eventDidMount: function (info) {
      // The calendar is hidden from screen readers (the table is their view), so its
      // events take no keyboard focus; the list below links every visit.
      info.el.removeAttribute("tabindex");
      info.el.removeAttribute("role");
      if (info.event.display === "auto") {
        info.el.setAttribute("title", info.event.title);
      }
    },
  });
})();
