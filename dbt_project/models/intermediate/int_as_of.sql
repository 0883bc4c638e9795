-- The quarter the headline progress figures are "as of": the latest quarter any carrier
-- reported, and its last day.
with reports as (
    select period from {{ ref('stg_inbox__carrier_period_report') }}
),
latest as (
    select max(period) as as_of_period from reports
)
select
    as_of_period,
    {{ period_end('as_of_period') }} as as_of_date
from latest
