// KPI charts, drawn by Chart.js from the JSON the page embeds.
(function () {
  "use strict";
  var node = document.getElementById("kpi-data");
  if (!node || typeof Chart === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var palette = ["#1f5fae", "#2e9e5b", "#e07a1f", "#b42318", "#7a5af8", "#0e9384", "#667085"];
  Chart.defaults.animation = false;
  Chart.defaults.font.family = "system-ui, 'DejaVu Sans', sans-serif";

  function flat(labels, value) { return labels.map(function () { return value; }); }

  var dso = document.getElementById("chart-dso");
  if (dso && data.dso) {
    var d = data.dso;
    new Chart(dso, {type: "line", data: {labels: d.labels, datasets: [
        {label: "DSO (days)", data: d.values, borderColor: palette[0], backgroundColor: palette[0], tension: 0.2, pointRadius: d.labels.length > 60 ? 0 : 3},
        {label: "Target high (55)", data: flat(d.labels, d.target[1]), borderColor: palette[1], borderDash: [6, 4], pointRadius: 0},
        {label: "Target low (45)", data: flat(d.labels, d.target[0]), borderColor: palette[1], borderDash: [2, 4], pointRadius: 0},
        {label: "Industry (mid-80s)", data: flat(d.labels, d.industry), borderColor: palette[3], borderDash: [6, 4], pointRadius: 0}]},
      options: {responsive: true, scales: {y: {beginAtZero: true, title: {display: true, text: "days"}}}}});
  }
  var aging = document.getElementById("chart-aging");
  if (aging && data.aging) {
    var a = data.aging;
    new Chart(aging, {type: "bar", data: {labels: a.labels, datasets: [
        {label: "Ours (% of net A/R)", data: a.share, backgroundColor: palette[0]},
        {label: "Target range (seed 002)", data: a.low.map(function (low, i) { return [low, a.high[i]]; }),
         backgroundColor: "rgba(46, 158, 91, 0.35)", borderColor: palette[1], borderWidth: 1}]},
      options: {responsive: true, scales: {y: {beginAtZero: true, title: {display: true, text: "%"}}}}});
  }
  var trend = document.getElementById("chart-aging-trend");
  if (trend && data.aging) {
    var t = data.aging.trend;
    var sets = data.aging.labels.map(function (label, i) {
      return {label: label, data: t.series[i], backgroundColor: palette[i % palette.length]};
    });
    new Chart(trend, {type: "bar", data: {labels: t.labels, datasets: sets},
      options: {responsive: true, scales: {x: {stacked: true}, y: {stacked: true, max: 100, title: {display: true, text: "%"}}}}});
  }
  var denials = document.getElementById("chart-denials");
  if (denials && data.denials) {
    var n = data.denials;
    new Chart(denials, {type: "bar", data: {labels: n.labels, datasets: [
        {label: "Our denial rate (%)", data: n.ours, backgroundColor: palette[0]},
        {label: "Industry average (%)", data: n.industry, backgroundColor: palette[6]}]},
      options: {responsive: true, scales: {y: {beginAtZero: true}}}});
  }
})();
