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
  // The columns are people (a team, one person) or counters (one, or all side by side).
  var columnsAreStaff = config.by === "team" || config.by === "staff";

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
      events = events.filter(shownHere);
      widenColumns(events);
      return events.map(function (event) {
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

  /* Readable at any number of columns: a column is never narrower than one visit's time
   * and reference (--cal-lane, static/css/staff-calendar.css) times the most visits that
   * stand side by side in it (a day of a whole team: as many as there are counters);
   * wider than the window, the grid scrolls sideways in its region, with the time axis
   * and the column heads kept in view. */
  function mostSideBySide(events) {
    var columns = {};
    events.forEach(function (event) {
      if (event.display === "background" || !event.start || !event.end) {
        return;
      }
      var start = cityWallClock(event.start);
      var key = start.slice(0, 10) + (hasResources ? "|" + (event.resourceIds || []).join(",") : "");
      (columns[key] = columns[key] || []).push([start, cityWallClock(event.end)]);
    });
    var most = 1;
    Object.keys(columns).forEach(function (key) {
      var marks = [];
      columns[key].forEach(function (span) {
        marks.push([span[0], 1], [span[1], -1]);
      });
      // An end sorts before a start at the same time: back-to-back visits share a lane.
      marks.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]; });
      var open = 0;
      marks.forEach(function (mark) {
        open += mark[1];
        most = Math.max(most, open);
      });
    });
    return most;
  }

  /* The reader's zoom (the buttons above the grid, remembered in this browser): every
   * column in the window (references may be cut), time and reference readable (the
   * default), or wide enough for the services, persons and language too. */
  var ZOOM_LANES = { fit: null, readable: "var(--cal-lane)", wide: "var(--cal-lane-wide)" };
  var ZOOM_KEY = "staff-calendar-zoom";
  var zoom = "readable";
  var lanes = 1;
  try {
    var remembered = window.localStorage.getItem(ZOOM_KEY);
    if (remembered && Object.prototype.hasOwnProperty.call(ZOOM_LANES, remembered)) {
      zoom = remembered;
    }
  } catch (blocked) { /* no storage: the default */ }

  function columnWidth() {
    var lane = ZOOM_LANES[zoom];
    return lane ? "minmax(calc(" + lanes + " * " + lane + "), 1fr)" : "minmax(0, 1fr)";
  }

  function widenColumns(events) {
    lanes = mostSideBySide(events);
    var width = columnWidth();
    if (calendar && calendar.getOption("columnWidth") !== width) {
      calendar.setOption("columnWidth", width);
    }
  }

  function setZoom(chosen) {
    zoom = chosen;
    mount.setAttribute("data-zoom", zoom);
    Array.prototype.forEach.call(document.querySelectorAll("[data-zoom-choice]"), function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-zoom-choice") === zoom));
    });
    if (calendar) {
      calendar.setOption("columnWidth", columnWidth());
    }
    try {
      window.localStorage.setItem(ZOOM_KEY, zoom);
    } catch (blocked) { /* remembered for this page only */ }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    node.className = className;
    node.textContent = text;
    return node;
  }

  /* A visit in one line: its time and its whole reference, then (zoomed wide) as much of
   * its services, persons and language as fits; the title attribute and the list below
   * hold it all. */
  function visitContent(event) {
    var props = event.extendedProps || {};
    var services = (props.services || "") + (props.persons ? " (" + props.persons + ")" : "");
    var line = element("span", "cal-line", "");
    line.append(
      element("span", "cal-time", pad(event.start.getHours()) + ":" + pad(event.start.getMinutes())),
      element("span", "cal-ref", props.reference || event.title),
      element("span", "cal-detail", [services, props.language].filter(Boolean).join(" · "))
    );
    return { domNodes: [line] };
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

  /* Dragging to a time or a column out of view: the region scrolls while the pointer
   * stays near its edge (the component only scrolls a grid of its own, which ours is
   * not), and the component is told so, to follow with the dragged visit. */
  var region = mount.closest(".calendar-scroller");
  var pointer = null;
  var dragging = false;
  var following = false;
  var EDGE = 40;

  function gridBox() {
    var box = region.getBoundingClientRect();
    var inner = { top: box.top, bottom: box.bottom, left: box.left, right: box.right };
    var head = region.querySelector(".ec-header");
    var axis = region.querySelector(".ec-body .ec-sidebar");
    if (head) {
      inner.top = Math.max(inner.top, head.getBoundingClientRect().bottom);
    }
    if (axis) {
      var side = axis.getBoundingClientRect();
      if (side.left - box.left < box.right - side.right) {
        inner.left = Math.max(inner.left, side.right);
      } else {
        inner.right = Math.min(inner.right, side.left);
      }
    }
    return inner;
  }

  function followPointer() {
    if (!dragging) {
      following = false;
      return;
    }
    if (pointer) {
      var box = gridBox();
      var dx = pointer.x < box.left + EDGE ? -10 : pointer.x > box.right - EDGE ? 10 : 0;
      var dy = pointer.y < box.top + EDGE ? -10 : pointer.y > box.bottom - EDGE ? 10 : 0;
      var before = region.scrollLeft + "," + region.scrollTop;
      region.scrollBy(dx, dy);
      var grid = mount.querySelector(".ec-main");
      if (grid && before !== region.scrollLeft + "," + region.scrollTop) {
        grid.dispatchEvent(new Event("scroll"));
      }
    }
    window.requestAnimationFrame(followPointer);
  }

  document.addEventListener("pointermove", function (move) {
    pointer = { x: move.clientX, y: move.clientY };
  });

  function moveVisit(info) {
    var staffId = null;
    if (!columnsAreStaff && info.newResource) {
      // Who sits at which counter follows from the rota: only the time can change here.
      info.revert();
      say(texts.otherCounter, "error");
      return;
    }
    if (columnsAreStaff) {
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
    // Two pixels a minute: a visit of 10 minutes holds its one line of text.
    slotHeight: 60,
    hiddenDays: config.hiddenDays || [],
    columnWidth: columnWidth(),
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
    eventDragStart: function () {
      dragging = true;
      if (!following) {
        following = true;
        window.requestAnimationFrame(followPointer);
      }
    },
    eventDragStop: function () {
      dragging = false;
    },
    eventClick: function (info) {
      var target = info.event.extendedProps && info.event.extendedProps.url;
      if (target && info.event.display === "auto") {
        window.location.assign(target);
      }
    },
    // A visit in one line (time, reference, details); of the backgrounds only a closed
    // day says why.
    eventContent: function (info) {
      var event = info.event;
      if (event.display === "auto") {
        return visitContent(event);
      }
      var closed = (event.classNames || []).indexOf("cal-closed-day") >= 0;
      return closed ? event.title : "";
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

  setZoom(zoom);
  Array.prototype.forEach.call(document.querySelectorAll("[data-zoom-choice]"), function (button) {
    button.addEventListener("click", function () {
      setZoom(button.getAttribute("data-zoom-choice"));
    });
  });
})();
