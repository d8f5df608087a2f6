// The charts of the statistics page (templates/staff/statistics/index.html), drawn with
// the vendored Chart.js from the table under each chart. Which tables get a chart, and
// what kind, is decided in portal/statistics/charts.py and written on each
// <figure class="stats-chart"> as data attributes:
//
//   data-chart="bar|line"   data-columns="2 3 4"   data-second-axis="2"
//   data-stacked            data-horizontal
//
// The numbers come from the cells' data-value (never from their localised text); a cell
// without a number is left out of the chart. The series are named by the column titles,
// the rows by the row headers, so everything a person reads was translated on the server.
// The figure is hidden until a chart is drawn: without this script the page is its tables.
//
// Readable without colour: bars are filled with a pattern per series (solid, stripes,
// dots, cross) and lines have their own dash and point shape; each colour has at least
// 6:1 contrast on white. Right to left (Arabic): rows run from right to left, the value
// axis stands on the right, the legend and the tooltips are written right to left.
// Printing: before the print, each chart is redrawn at the width of a page and with more
// pixels, so that it is sharp on paper (the print stylesheet scales it to the page).
(function () {
  "use strict";
  var Chart = window.Chart;
  if (typeof Chart !== "function") { return; }

  var root = document.documentElement;
  var RTL = root.getAttribute("dir") === "rtl";
  var LOCALE = root.lang || "nl";
  var INK = "#1b1b1b";
  var GRID = "#d8d8d8";
  // The looks of the series, in the table's order (charts.py allows no more than four).
  var SERIES = [
    { color: "#0b4f8a", fill: "solid", dash: [], point: "circle" },
    { color: "#a34700", fill: "stripes", dash: [8, 4], point: "rect" },
    { color: "#6a3d9a", fill: "dots", dash: [2, 3], point: "triangle" },
    { color: "#1b6b3a", fill: "cross", dash: [12, 3, 3, 3], point: "rectRot" }
  ];
  // A page's printable width in CSS pixels (A4 with the browser's margins), and the pixel
  // density of a chart on paper.
  var PRINT_WIDTH = 680;
  var PRINT_HEIGHT = 300;
  // Horizontal bars on paper: a line's height per row, never more than most of a page.
  var PRINT_ROW = 24;
  var PRINT_MAX_HEIGHT = 820;
  var PRINT_DENSITY = 3;
  var SCREEN_DENSITY = Math.max(window.devicePixelRatio || 1, 2);

  Chart.defaults.color = INK;
  Chart.defaults.borderColor = GRID;
  Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 13;

  function numbers(text) {
    return (text || "").split(/\s+/).filter(Boolean).map(Number);
  }

  // A tile of the series' pattern on white: stripes, dots or a cross in its colour.
  function patternFill(kind, color) {
    if (kind === "solid") { return color; }
    var size = 10;
    var tile = document.createElement("canvas");
    tile.width = size;
    tile.height = size;
    var pen = tile.getContext("2d");
    pen.fillStyle = "#ffffff";
    pen.fillRect(0, 0, size, size);
    pen.strokeStyle = color;
    pen.fillStyle = color;
    pen.lineWidth = 2.5;
    pen.beginPath();
    if (kind === "stripes") {
      // Three strokes so that the stripes meet across the tile's edges.
      [-size, 0, size].forEach(function (shift) {
        pen.moveTo(shift, size);
        pen.lineTo(shift + size, 0);
      });
      pen.stroke();
    } else if (kind === "dots") {
      pen.arc(size / 2, size / 2, 2.4, 0, 2 * Math.PI);
      pen.fill();
    } else {
      pen.lineWidth = 2;
      pen.moveTo(size / 2, 0);
      pen.lineTo(size / 2, size);
      pen.moveTo(0, size / 2);
      pen.lineTo(size, size / 2);
      pen.stroke();
    }
    return pen.createPattern(tile, "repeat");
  }

  // The row headers, and per plotted column its title and numbers (null: no value).
  function readTable(table, columns) {
    var titles = table.tHead.rows[0].cells;
    var labels = [];
    var series = columns.map(function (column) {
      return { column: column, title: titles[column].textContent.trim(), values: [] };
    });
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      labels.push(row.cells[0].textContent.trim());
      series.forEach(function (one) {
        var cell = row.cells[one.column];
        var raw = cell ? cell.getAttribute("data-value") : null;
        var value = raw === null || raw === "" ? NaN : Number(raw);
        one.values.push(isFinite(value) ? value : null);
      });
    });
    return { labels: labels, series: series };
  }

  function dataset(one, index, kind, onSecondAxis, horizontal) {
    var look = SERIES[index % SERIES.length];
    var valueAxis = horizontal ? "x" : (onSecondAxis ? "y2" : "y");
    var common = { label: one.title, data: one.values };
    common[horizontal ? "xAxisID" : "yAxisID"] = valueAxis;
    if (kind === "line") {
      return Object.assign(common, {
        borderColor: look.color, backgroundColor: look.color, borderWidth: 2.5,
        borderDash: look.dash, pointStyle: look.point, pointRadius: 4,
        pointHoverRadius: 6, spanGaps: false, tension: 0
      });
    }
    return Object.assign(common, {
      backgroundColor: patternFill(look.fill, look.color), borderColor: look.color,
      borderWidth: 1.5, borderSkipped: false
    });
  }

  function wholeNumbers(series) {
    return series.every(function (one) {
      return one.values.every(function (value) { return value === null || value % 1 === 0; });
    });
  }

  function valueScale(position, stacked, whole, title) {
    return {
      position: position, stacked: stacked, beginAtZero: true, grace: "5%",
      ticks: whole ? { precision: 0 } : {},
      title: title ? { display: true, text: title } : { display: false }
    };
  }

  function options(figure, read) {
    var horizontal = figure.hasAttribute("data-horizontal");
    var stacked = figure.hasAttribute("data-stacked");
    var second = numbers(figure.getAttribute("data-second-axis"));
    var start = RTL ? "right" : "left";
    var end = RTL ? "left" : "right";
    var scales = {};
    var category = { stacked: stacked, grid: { display: false } };
    if (horizontal) {
      category.ticks = { autoSkip: false, callback: wrappedLabel };
      scales.y = Object.assign(category, { position: start });
      // In a right-to-left language the bars grow from the right towards the left.
      scales.x = Object.assign(
        valueScale("bottom", stacked, wholeNumbers(read.series), null), { reverse: RTL });
    } else {
      // Level labels, as many as fit (rotated ones are hard to read, and in a
      // right-to-left chart they lean out of it).
      category.ticks = { autoSkip: true, autoSkipPadding: 12, maxRotation: 0 };
      scales.x = Object.assign(category, { position: "bottom", reverse: RTL });
      var firstOnes = read.series.filter(function (one) { return second.indexOf(one.column) < 0; });
      var secondOnes = read.series.filter(function (one) { return second.indexOf(one.column) >= 0; });
      // With two axes each says what it measures; with one, the legend does.
      var named = secondOnes.length > 0;
      scales.y = valueScale(start, stacked, wholeNumbers(firstOnes), named ? titleOf(firstOnes) : null);
      if (named) {
        scales.y2 = valueScale(end, stacked, wholeNumbers(secondOnes), titleOf(secondOnes));
        scales.y2.grid = { drawOnChartArea: false };
      }
    }
    var text = { rtl: RTL, textDirection: RTL ? "rtl" : "ltr" };
    var line = figure.getAttribute("data-chart") === "line";
    return {
      indexAxis: horizontal ? "y" : "x",
      locale: LOCALE,
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      devicePixelRatio: SCREEN_DENSITY,
      interaction: { mode: "index", intersect: false },
      scales: scales,
      plugins: {
        // Back in the table's order where the datasets were turned round (below).
        legend: Object.assign({
          position: "top",
          reverse: turnedRound(figure),
          labels: line
            ? { usePointStyle: true, boxHeight: 9, padding: 14 }
            : { boxWidth: 28, padding: 14 }
        }, text),
        tooltip: Object.assign({
          itemSort: function (a, b) {
            return turnedRound(figure) ? b.datasetIndex - a.datasetIndex : a.datasetIndex - b.datasetIndex;
          }
        }, text)
      }
    };
  }

  // Bars side by side stand in the datasets' order from left to right, whatever the
  // axis: in a right-to-left chart the datasets are turned round, so that the first
  // column of the table stands on the right, where the reading starts.
  function turnedRound(figure) {
    return RTL && figure.getAttribute("data-chart") === "bar"
      && !figure.hasAttribute("data-stacked") && !figure.hasAttribute("data-horizontal");
  }

  // A long row header (a service's name) on at most two lines of what fits in about
  // two fifths of the chart; the rest is cut with an ellipsis (the table has it whole).
  function wrappedLabel(value) {
    var label = String(this.getLabelForValue(value));
    var room = Math.max(12, Math.floor(this.chart.width * 0.4 / 7));
    if (label.length <= room) { return label; }
    var lines = [""];
    label.split(/\s+/).forEach(function (word) {
      var last = lines[lines.length - 1];
      if (!last || (last + " " + word).length <= room) {
        lines[lines.length - 1] = last ? last + " " + word : word;
      } else {
        lines.push(word);
      }
    });
    if (lines.length > 2) { lines = [lines[0], lines.slice(1).join(" ")]; }
    return lines.map(function (text) {
      return text.length > room ? text.slice(0, room - 1) + "…" : text;
    });
  }

  function titleOf(series) {
    return series.map(function (one) { return one.title; }).join(" · ");
  }

  // Horizontal bars take the height their rows need; other charts have the height the
  // stylesheet gives the box (a fixed share of the width).
  function fitHeight(figure, box, read) {
    if (!figure.hasAttribute("data-horizontal")) { return; }
    var perRow = figure.hasAttribute("data-stacked") ? 34 : 14 + 12 * read.series.length;
    box.style.blockSize = Math.max(160, 90 + perRow * read.labels.length) + "px";
  }

  function draw(figure) {
    var section = figure.closest("section");
    var table = section && section.querySelector("table");
    var canvas = figure.querySelector("canvas");
    var box = figure.querySelector(".stats-chart-box");
    if (!table || !canvas || !box) { return null; }
    var kind = figure.getAttribute("data-chart") === "line" ? "line" : "bar";
    var columns = numbers(figure.getAttribute("data-columns"));
    var second = numbers(figure.getAttribute("data-second-axis"));
    var read = readTable(table, columns);
    var horizontal = figure.hasAttribute("data-horizontal");
    figure.hidden = false;
    fitHeight(figure, box, read);
    var datasets = read.series.map(function (one, index) {
      return dataset(one, index, kind, second.indexOf(one.column) >= 0, horizontal);
    });
    if (turnedRound(figure)) { datasets.reverse(); }
    return new Chart(canvas, {
      type: kind,
      data: { labels: read.labels, datasets: datasets },
      options: options(figure, read)
    });
  }

  var charts = [];
  Array.prototype.forEach.call(document.querySelectorAll("figure.stats-chart"), function (figure) {
    var chart = draw(figure);
    if (chart) { charts.push(chart); }
  });
  if (!charts.length) { return; }

  // Sharp on paper: drawn at a page's width with more pixels, put back afterwards.
  var printing = false;
  function toPaper() {
    if (printing) { return; }
    printing = true;
    charts.forEach(function (chart) {
      var height = chart.options.indexAxis === "y"
        ? Math.min(PRINT_MAX_HEIGHT, 80 + PRINT_ROW * chart.data.labels.length)
        : PRINT_HEIGHT;
      chart.options.devicePixelRatio = PRINT_DENSITY;
      chart.resize(PRINT_WIDTH, height);
    });
  }
  function toScreen() {
    if (!printing) { return; }
    printing = false;
    charts.forEach(function (chart) {
      chart.options.devicePixelRatio = SCREEN_DENSITY;
      chart.resize();
    });
  }
  window.addEventListener("beforeprint", toPaper);
  window.addEventListener("afterprint", toScreen);
  var printMedia = window.matchMedia && window.matchMedia("print");
  if (printMedia && printMedia.addEventListener) {
    printMedia.addEventListener("change", function (event) {
      if (event.matches) { toPaper(); } else { toScreen(); }
    });
  }
}());
