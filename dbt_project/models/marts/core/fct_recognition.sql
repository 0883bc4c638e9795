-- Recognition and evaluation events (latest accepted version of each).
with recognitions as (
    select * from {{ ref('stg_inbox__carrier_recognition') }}
)
select
    carrier_id,
    recognition_type,
    level,
    case level when '国家级' then 3 when '市级' then 2 when '区级' then 1 end as level_rank,
    recognition_type in {{ sql_list('incubator_recognition_types') }}
        as is_incubator_recognition,
    issuing_authority,
    document_no,
    recognized_date,
    valid_until,
    evaluation_year,
    evaluation_result,
    award_amount,
    status,
    status = '有效'
    and recognized_date <= current_date
    and (valid_until is null or valid_until >= current_date) as is_in_force_today,
    submission_id,
    accepted_at
from recognitions
