with

responses as (
    select * from {{ ref('base_survey__responses') }}
),

usable_responses as (
    select * from responses
    where reject_reason is null
),

deduplicated as (
    select * from usable_responses
    qualify row_number() over (partition by response_id order by _row_number) = 1
),

final as (
    select
        -- ids
        response_id,
        store_id,
        respondent_phone_pseudonym,

        -- strings
        respondent_phone_invalid_reason,
        age_band,
        gender,
        home_district,
        preferred_channel,

        -- numerics
        price_importance,
        experience_importance,

        -- timestamps
        answered_at,

        -- lineage
        _source_file,
        _row_number
    from deduplicated
)

select * from final
