-- ros_occupied_area_exceeds_tenant_area: a file's occupied areas of a carrier-quarter add up
-- past the carrier's tenant area in the registry; flagged on the group's first row
with groups as (
    select
        file_index, carrier_id, period, min(pos) as first,
        sum(coalesce(try_cast(occupied_area_m2 as double), 0)) as total
    from checked
    where carrier_id is not null and period is not null
    group by file_index, carrier_id, period
)
select
    'ros_occupied_area_exceeds_tenant_area' as rule_id, c.file_index, c.pos,
    c.source_sheet as sheet, c.source_row as row,
    cast(c.occupied_area_m2 as varchar) as value, null::varchar as zone_code
from groups as g
join checked as c on c.file_index = g.file_index and c.pos = g.first
join carriers as k on k.carrier_id = g.carrier_id
where g.total > k.tenant_area_m2
