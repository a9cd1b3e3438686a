{#
    One row per raw erasure request, typed, with the reason it cannot be used (if any). The
    subject leaves as the keyed pseudonym of its normalised value.
#}
with

erasure_requests as (
    select * from {{ source('privacy', 'erasure_requests') }}
    {{ new_raw_rows(source('privacy', 'erasure_requests')) }}
),

trimmed as (
    select
        {{ clean_text('request_id') }} as request_id,
        {{ clean_enum('subject_type') }} as subject_type,
        subject_value,
        {{ clean_text('subject_value') }} as subject_value_text,
        {{ clean_text('requested_at') }} as requested_at,
        _source_file,
        _row_number
    from erasure_requests
),

{# The subject's normalised value, written once: the pseudonyms and the check read it. #}
normalised as (
    select
        request_id,
        subject_type,
        {{ normalize_subject_value('subject_type', 'subject_value') }} as subject_value,
        subject_value_text,
        requested_at,
        _source_file,
        _row_number
    from trimmed
),

checked as (
    select
        request_id,
        subject_type,
        {{ pseudonymize('subject_value') }} as subject_pseudonym,
        {# Platforms show buyers' phones masked (138****1234): the masked form's pseudonym
           lets the request reach a person who bought only on platforms. #}
        case when subject_type = 'phone' then {{ pseudonymize(dbt.concat([
            "substr(subject_value, 1, 3)", "'****'", "substr(subject_value, 8, 4)"
        ])) }} end as subject_masked_phone_pseudonym,
        {# The law asks for erasure whenever it was requested: the date never blocks one. #}
        {{ parse_timestamp('requested_at') }} as requested_at,
        case
            when request_id is null or subject_type is null or subject_value_text is null
                then 'missing_required_field'
            when
                subject_type not in ('phone', 'openid', 'member_card')
                or subject_value is null
                then 'invalid_value'
        end as reject_reason,
        _source_file,
        _row_number
    from normalised
)

select * from checked
