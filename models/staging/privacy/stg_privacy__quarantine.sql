{#
    Raw privacy rows that cannot be used, with the reason and where they came from. A
    consent is keyed by its subject's identifier, which is personal data, so its record_id is
    the consent event id, built from the subject's pseudonym.
#}
with

consents as (
    select * from {{ ref('base_privacy__consents') }}
),

erasure_requests as (
    select * from {{ ref('base_privacy__erasure_requests') }}
),

rejected_consents as (
    select
        'privacy.consents' as source_table,
        consent_id as record_id,
        reject_reason,
        _source_file,
        _row_number
    from consents
    where reject_reason is not null
),

rejected_erasure_requests as (
    select
        'privacy.erasure_requests' as source_table,
        request_id as record_id,
        reject_reason,
        _source_file,
        _row_number
    from erasure_requests
    where reject_reason is not null
),

unioned as (
    select * from rejected_consents
    union all
    select * from rejected_erasure_requests
),

final as (
    select
        {{ quarantine_id() }} as quarantine_id,
        source_table,
        record_id,
        reject_reason,
        _source_file,
        _row_number
    from unioned
)

select * from final
