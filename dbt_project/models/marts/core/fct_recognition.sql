-- Recognition and evaluation events (latest accepted version of each); whether the type is a
-- 众创空间 or 孵化器 recognition comes from seed recognition_types, the order of the levels from
-- the recognition_level vocabulary (seed vocabularies: 1 = the highest).
with recognitions as (
    select * from {{ ref('stg_inbox__carrier_recognition') }}
),
recognition_types as (
    select
        recognition_type,
        is_incubator
    from {{ ref('recognition_types') }}
),
levels as (
    select
        value as level,
        max(value_order) over () + 1 - value_order as level_rank
    from {{ ref('vocabularies') }}
    where vocabulary = 'recognition_level'
),
typed as (
    select
        recognitions.*,
        coalesce(recognition_types.is_incubator, false) as is_incubator_recognition,
        levels.level_rank
    from recognitions
    left join recognition_types
        on recognitions.recognition_type = recognition_types.recognition_type
    left join levels on recognitions.level = levels.level
)
select
    carrier_id,
    recognition_type,
    level,
    level_rank,
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
