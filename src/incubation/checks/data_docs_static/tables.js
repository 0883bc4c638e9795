/* The tables of GX Data Docs without bootstrap-table (which GX loads from a CDN): the same
   call, $(table).bootstrapTable(options), renders options.columns over options.data as a
   sortable Bootstrap table whose rows carry GX's rowAttributes and fire its click-row event.
   Search, pagination and filter controls are left out; method calls do nothing. */
(function ($) {
  "use strict";

  function option(value) {
    return typeof value === "string" && typeof window[value] === "function" ? window[value] : value;
  }

  function sortKey(column) {
    return column.sortName || column.field;
  }

  $.fn.bootstrapTable = function (options) {
    if (typeof options !== "object") {
      return this;
    }
    return this.each(function () {
      var $table = $(this);
      var columns = options.columns || [];
      var rows = (options.data || []).slice();
      var attributes = option(options.rowAttributes);
      var order = { key: options.sortName ? sortKey(columns.find(function (c) {
        return c.field === options.sortName;
      }) || { field: options.sortName }) : null, desc: options.sortOrder === "desc" };

      function sorted() {
        if (!order.key) {
          return rows;
        }
        return rows.slice().sort(function (a, b) {
          var x = a[order.key];
          var y = b[order.key];
          var cmp = x === y ? 0 : (x > y ? 1 : -1);
          return order.desc ? -cmp : cmp;
        });
      }

      function render() {
        var $head = $("<tr>");
        columns.forEach(function (column) {
          var $th = $("<th>").text(column.title || column.field);
          if (column.sortable) {
            $th.css("cursor", "pointer").on("click", function () {
              var key = sortKey(column);
              order = { key: key, desc: order.key === key ? !order.desc : false };
              render();
            });
          }
          $head.append($th);
        });
        var $body = $("<tbody>");
        sorted().forEach(function (row, index) {
          var $tr = $("<tr>").attr(attributes ? attributes(row, index) : {});
          columns.forEach(function (column) {
            var value = row[column.field];
            $tr.append($("<td>").css("text-align", column.align || "").html(value == null ? "" : value));
          });
          $tr.on("click", function () {
            $table.trigger("click-row.bs.table", [row, $tr]);
          });
          $body.append($tr);
        });
        $table.empty().addClass("table table-sm table-hover ge-offline-table")
          .append($("<thead>").append($head), $body);
      }

      render();
    });
  };
})(jQuery);
