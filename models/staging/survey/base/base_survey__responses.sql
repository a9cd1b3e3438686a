{#
    One row per raw questionnaire row, typed, with the reason it cannot be used (if any). The
    respondent's phone leaves as a keyed pseudonym of its normalised value.
#}
with

responses as (
    select * from {{ source('survey', 'responses') }}
    {{ new_raw_rows(source('survey', 'responses')) }}
),

trimmed as (
    select
        {{ clean_text('response_id') }} as response_id,
        {{ clean_text('store_id') }} as store_id,
        respondent_phone,
        {{ clean_text('answered_at') }} as answered_at,
        {{ clean_enum('age_band') }} as age_band,
        {{ clean_enum('gender') }} as gender,
        {{ clean_text('home_district') }} as home_district,
        {{ clean_enum('preferred_channel') }} as preferred_channel,
        {{ clean_text('price_importance') }} as price_importance,
        {{ clean_text('experience_importance') }} as experience_importance,
        _source_file,
        _row_number
    from responses
),

typed as (
    select
        response_id,
        store_id,
        {{ normalize_phone('respondent_phone') }} as respondent_phone,
        {{ phone_invalid_reason('respondent_phone') }} as respondent_phone_invalid_reason,
        age_band,
        case
            when gender in ('m', 'male') then 'male'
            when gender in ('f', 'female') then 'female'
        end as gender,
        home_district,
        preferred_channel,
        {{ parse_integer('price_importance') }} as price_importance,
        {{ parse_integer('experience_importance') }} as experience_importance,
        {{ parse_timestamp('answered_at') }} as answered_at,
        answered_at is null as is_missing_answered_at,
        answered_at is not null
        and {{ parse_timestamp('answered_at') }} is null as has_unreadable_timestamp,
        (
            age_band not in ('<18', '18-24', '25-34', '35-44', '45-54', '55+')
            or gender not in ('m', 'male', 'f', 'female')
            or preferred_channel not in ('online', 'offline', 'both')
            {# A score is a 1-5 scale answer: anything else is not an answer to the question. #}
            or (
                price_importance is not null
                and coalesce({{ parse_integer('price_importance') }} not between 1 and 5, true)
            )
            or (
                experience_importance is not null
                and coalesce({{ parse_integer('experience_importance') }} not between 1 and 5, true)
            )
        ) as has_unreadable_value,
        _source_file,
        _row_number
    from trimmed
),

checked as (
    select
        response_id,
        store_id,
        {{ pseudonymize('respondent_phone') }} as respondent_phone_pseudonym,
        respondent_phone_invalid_reason,
        age_band,
        gender,
        home_district,
        preferred_channel,
        price_importance,
        experience_importance,
        answered_at,
        case
            when response_id is null or is_missing_answered_at then 'missing_required_field'
            when has_unreadable_timestamp then 'invalid_timestamp'
            when {{ is_future_timestamp('answered_at') }} then 'future_timestamp'
            when has_unreadable_value then 'invalid_value'
        end as reject_reason,
        _source_file,
        _row_number
    from typed
)

select * from checked
