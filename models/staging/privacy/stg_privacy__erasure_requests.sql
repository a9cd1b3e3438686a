with

erasure_requests as (
    select * from {{ ref('base_privacy__erasure_requests') }}
),

usable_erasure_requests as (
    select * from erasure_requests
    where reject_reason is null
),

deduplicated as (
    select * from usable_erasure_requests
    qualify row_number() over (partition by request_id order by _row_number) = 1
),

final as (
    select
        -- ids
        request_id as erasure_request_id,

        -- strings
        subject_type,
        subject_pseudonym,
        subject_masked_phone_pseudonym,

        -- timestamps
        requested_at,

        -- lineage
        _source_file,
        _row_number
    from deduplicated
)

select * from final
