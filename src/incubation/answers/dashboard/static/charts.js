/* 渝中区孵化载体建设进度 — draws the page's charts with plotly.js (shipped beside this file).
   The chart specs are the JSON in <script id="charts">, written from the warehouse models;
   nothing here computes a figure. */
(function () {
  "use strict";

  var INK = "#1f2933";
  var ACTUAL = "#b71c1c";
  var PATH = "#2563a8";
  var TARGET = "#1b7f3b";
  var SERIES = ["#2563a8", "#b71c1c", "#1b7f3b", "#9a6700", "#6b7280"];
  var CONFIG = { displayModeBar: false, responsive: true, staticPlot: false };

  function layout(extra) {
    var base = {
      margin: { l: 64, r: 16, t: 12, b: 72 },
      font: { family: getComputedStyle(document.documentElement).fontFamily, size: 12, color: INK },
      legend: { orientation: "h", y: -0.3 },
      paper_bgcolor: "#fff",
      plot_bgcolor: "#fff",
      separators: ".,",
      hovermode: "x unified"
    };
    return Object.assign(base, extra || {});
  }

  function trajectory(spec) {
    var traces = [
      {
        type: "scatter", mode: "lines+markers", name: "实际值", x: spec.periods, y: spec.actual,
        line: { color: ACTUAL, width: 2.5 }, marker: { size: 5 }, connectgaps: false
      },
      {
        type: "scatter", mode: "lines", name: "进度线（至2025年目标）", x: spec.periods,
        y: spec.on_track, line: { color: PATH, dash: "dash" }
      }
    ];
    if (spec.targets.length) {
      traces.push({
        type: "scatter", mode: "markers+text", name: "方案目标",
        x: spec.targets.map(function (t) { return t.period; }),
        y: spec.targets.map(function (t) { return t.value; }),
        text: spec.targets.map(function (t) { return t.year + "年目标"; }),
        textposition: "middle left", marker: { color: TARGET, symbol: "star", size: 12 }
      });
    }
    return {
      traces: traces,
      layout: layout({
        xaxis: { type: "category", tickangle: -45 },
        yaxis: { title: { text: spec.unit }, rangemode: "tozero", separatethousands: true }
      })
    };
  }

  function bars(spec, stacked) {
    var traces = spec.series.map(function (s, i) {
      return {
        type: "bar", name: s.name, x: spec.labels, y: s.values,
        marker: { color: SERIES[i % SERIES.length] },
        text: stacked ? undefined : s.values.map(function (v) { return v === null ? "" : v + "%"; }),
        textposition: "outside", cliponaxis: false
      };
    });
    var extra = stacked
      ? { barmode: "stack", yaxis: { title: { text: "文件数" }, rangemode: "tozero" } }
      : {
          barmode: "group",
          yaxis: { title: { text: "完成率（%）" }, ticksuffix: "%", rangemode: "tozero" },
          shapes: [{
            type: "line", xref: "paper", x0: 0, x1: 1, y0: 100, y1: 100,
            line: { color: TARGET, dash: "dot", width: 1.5 }
          }]
        };
    return { traces: traces, layout: layout(extra) };
  }

  var DRAW = {
    trajectory: trajectory,
    pct: function (spec) { return bars(spec, false); },
    stack: function (spec) { return bars(spec, true); }
  };

  function drawAll() {
    var specs = JSON.parse(document.getElementById("charts").textContent);
    specs.forEach(function (spec) {
      var figure = document.getElementById(spec.id);
      if (!figure) { return; }
      var chart = DRAW[spec.kind](spec);
      var plot = figure.querySelector(".plot");
      Plotly.newPlot(plot, chart.traces, chart.layout, CONFIG).then(function () {
        figure.setAttribute("data-drawn", "true");
      });
    });
    window.addEventListener("beforeprint", function () {
      document.querySelectorAll(".chart .plot").forEach(function (plot) {
        Plotly.Plots.resize(plot);
      });
    });
  }

  drawAll();
})();
