with

consents as (
    select * from {{ ref('base_privacy__consents') }}
),

usable_consents as (
    select * from consents
    where reject_reason is null
),

{#
    Every consent event is kept (the latest per subject and purpose is the one in force,
    decided downstream); only a byte-for-byte repeated event collapses.
#}
deduplicated as (
    select * from usable_consents
    qualify row_number() over (partition by consent_id order by _row_number) = 1
),

final as (
    select
        -- ids
        consent_id,

        -- strings
        subject_type,
        subject_pseudonym,
        purpose,

        -- booleans
        is_granted,

        -- timestamps
        recorded_at,

        -- lineage
        _source_file,
        _row_number
    from deduplicated
)

select * from final
