{#
    The consent in force per customer and purpose. Per subject (a phone, an openid, a card) the
    latest event per purpose wins, as the contract says; across a customer's subjects the most
    recent of those decides, so a withdrawal given on any of the person's identifiers overrides
    an older grant given on another. A customer without any event has no consent (opt-in).
#}
with

consents as (
    select * from {{ ref('stg_privacy__consents') }}
),

identifiers as (
    select * from {{ ref('int_identifiers_resolved') }}
),

subject_customers as (
    select distinct
        identifier_type,
        identifier_value,
        customer_id
    from identifiers
    where
        customer_id is not null
        and identifier_type in ('phone', 'openid', 'member_card')
),

consents_attributed as (
    select
        subject_customers.customer_id,
        consents.consent_id,
        consents.subject_type,
        consents.subject_pseudonym,
        consents.purpose,
        consents.is_granted,
        consents.recorded_at
    from consents
    inner join subject_customers
        on
            consents.subject_type = subject_customers.identifier_type
            and consents.subject_pseudonym = subject_customers.identifier_value
),

latest_per_subject as (
    select * from consents_attributed
    qualify row_number() over (
        partition by customer_id, subject_type, subject_pseudonym, purpose
        order by recorded_at desc, is_granted asc, consent_id asc
    ) = 1
),

subjects_counted as (
    select
        customer_id,
        purpose,
        count(*) as subject_count
    from latest_per_subject
    group by 1, 2
),

latest_per_customer as (
    {# On a tie the withdrawal wins: the stricter reading of two events of the same moment. #}
    select * from latest_per_subject
    qualify row_number() over (
        partition by customer_id, purpose
        order by recorded_at desc, is_granted asc, consent_id asc
    ) = 1
),

final as (
    select
        -- ids
        {{ dbt.concat(["latest_per_customer.customer_id", "':'", "latest_per_customer.purpose"]) }}
            as customer_consent_id,
        latest_per_customer.customer_id,
        latest_per_customer.consent_id as deciding_consent_id,

        -- strings
        latest_per_customer.purpose,
        latest_per_customer.subject_type as deciding_subject_type,

        -- numerics
        subjects_counted.subject_count,

        -- booleans
        latest_per_customer.is_granted,

        -- timestamps
        latest_per_customer.recorded_at as decided_at
    from latest_per_customer
    inner join subjects_counted
        on
            latest_per_customer.customer_id = subjects_counted.customer_id
            and latest_per_customer.purpose = subjects_counted.purpose
)

select * from final
