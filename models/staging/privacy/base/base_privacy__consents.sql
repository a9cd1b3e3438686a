{#
    One row per raw consent event, typed, with the reason it cannot be used (if any). The
    subject leaves as the keyed pseudonym of its normalised value, the same pseudonym its
    identifier carries in its own source's staging model.
#}
with

consents as (
    select * from {{ source('privacy', 'consents') }}
    {{ new_raw_rows(source('privacy', 'consents')) }}
),

trimmed as (
    select
        {{ clean_enum('subject_type') }} as subject_type,
        subject_value,
        {{ clean_text('subject_value') }} as subject_value_text,
        {{ clean_enum('purpose') }} as purpose,
        {{ clean_text('granted') }} as granted_text,
        {{ clean_text('recorded_at') }} as recorded_at,
        _source_file,
        _row_number
    from consents
),

typed as (
    select
        subject_type,
        {{ normalize_subject_value('subject_type', 'subject_value') }} as subject_value,
        subject_value_text,
        purpose,
        {{ parse_boolean('granted_text') }} as is_granted,
        granted_text,
        {{ parse_timestamp('recorded_at') }} as recorded_at,
        {# Raw text kept only to tell an empty value from an unreadable one, so that each
           value is parsed once. #}
        recorded_at as recorded_at_text,
        _source_file,
        _row_number
    from trimmed
),

flagged as (
    select
        subject_type,
        subject_value,
        purpose,
        is_granted,
        recorded_at,
        subject_type is null
        or subject_value_text is null
        or purpose is null
        or granted_text is null
        or recorded_at_text is null as is_missing_required,
        recorded_at_text is not null and recorded_at is null as has_unreadable_timestamp,
        subject_type not in ('phone', 'openid', 'member_card')
        or subject_value is null
        or purpose not in ('location', 'marketing', 'profiling')
        or is_granted is null as has_unreadable_value,
        _source_file,
        _row_number
    from typed
),

pseudonymised as (
    select
        {{ pseudonymize('subject_value') }} as subject_pseudonym,
        *
    from flagged
),

checked as (
    select
        {# One consent event: who (by pseudonym, never the raw value), for what, when. #}
        {{ dbt.hash(dbt.concat([
            "subject_type", "':'", "subject_pseudonym", "':'", "purpose", "':'",
            "cast(recorded_at as " ~ dbt.type_string() ~ ")"
        ])) }} as consent_id,
        subject_type,
        subject_pseudonym,
        purpose,
        is_granted,
        recorded_at,
        case
            when is_missing_required then 'missing_required_field'
            when has_unreadable_timestamp then 'invalid_timestamp'
            when {{ is_future_timestamp('recorded_at') }} then 'future_timestamp'
            when has_unreadable_value then 'invalid_value'
        end as reject_reason,
        _source_file,
        _row_number
    from pseudonymised
)

select * from checked
