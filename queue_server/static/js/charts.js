// Supervisor charts, drawn by Chart.js from the JSON the page embeds.
(function () {
  "use strict";
  var node = document.getElementById("chart-data");
  if (!node || typeof Chart === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var palette = ["#1f5fae", "#e07a1f", "#2e9e5b", "#b42318", "#7a5af8", "#0e9384", "#667085"];
  Chart.defaults.animation = false;
  Chart.defaults.font.family = "system-ui, 'DejaVu Sans', sans-serif";

  var trend = document.getElementById("chart-trend");
  if (trend) {
    var series = Object.keys(data.trend.series).map(function (team, i) {
      return {label: team, data: data.trend.series[team], backgroundColor: palette[i % palette.length]};
    });
    new Chart(trend, {type: "bar", data: {labels: data.trend.labels, datasets: series},
      options: {responsive: true, scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true, ticks: {precision: 0}}}}});
  }
  var people = document.getElementById("chart-people");
  if (people) {
    new Chart(people, {type: "bar", data: {labels: data.people.labels, datasets: [
        {label: "Resolved", data: data.people.resolved, backgroundColor: palette[0], yAxisID: "y"},
        {label: "Median touch (min)", data: data.people.median, backgroundColor: palette[1], yAxisID: "y1"}]},
      options: {responsive: true, scales: {y: {beginAtZero: true, ticks: {precision: 0}, position: "left"},
                                           y1: {beginAtZero: true, position: "right", grid: {drawOnChartArea: false}}}}});
  }
  var backlog = document.getElementById("chart-backlog");
  if (backlog) {
    var sets = data.backlog.buckets.map(function (bucket, b) {
      return {label: bucket, data: data.backlog.counts.map(function (row) { return row[b]; }),
              backgroundColor: palette[b % palette.length]};
    });
    new Chart(backlog, {type: "bar", data: {labels: data.backlog.labels, datasets: sets},
      options: {indexAxis: "y", responsive: true, aspectRatio: 4, scales: {x: {stacked: true, beginAtZero: true, ticks: {precision: 0}}, y: {stacked: true}}}});
  }
})();
