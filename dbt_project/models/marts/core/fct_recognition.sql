-- Recognition and evaluation events (latest accepted version of each); whether the type is a
-- 众创空间 or 孵化器 recognition comes from seed recognition_types.
with recognitions as (
    select * from {{ ref('stg_inbox__carrier_recognition') }}
),
recognition_types as (
    select
        recognition_type,
        is_incubator
    from {{ ref('recognition_types') }}
),
typed as (
    select
        recognitions.*,
        coalesce(recognition_types.is_incubator, false) as is_incubator_recognition
    from recognitions
    left join recognition_types
        on recognitions.recognition_type = recognition_types.recognition_type
)
select
    carrier_id,
    recognition_type,
    level,
    case level when '国家级' then 3 when '市级' then 2 when '区级' then 1 end as level_rank,
    is_incubator_recognition,
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
from typed
