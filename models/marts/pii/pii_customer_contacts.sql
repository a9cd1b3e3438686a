{#
    Restricted: the contact list for marketing execution. A customer is contactable only while
    their `marketing` consent is in force and they have not asked for erasure; the number is
    the phone of theirs seen last, turned back into digits from the `pii` area.
#}
with

identifiers as (
    select * from {{ ref('int_identifiers_resolved') }}
),

consents as (
    select * from {{ ref('int_privacy_consents_resolved') }}
),

erasures as (
    select * from {{ ref('int_privacy_erasures_resolved') }}
),

phone_contacts as (
    select * from {{ ref('stg_pii__phone_contacts') }}
),

contactable_customers as (
    select consents.customer_id
    from consents
    left join erasures
        on consents.customer_id = erasures.customer_id
    where
        consents.purpose = 'marketing'
        and consents.is_granted
        and erasures.customer_id is null
),

phones_ranked as (
    select
        identifiers.customer_id,
        identifiers.identifier_value as phone_pseudonym
    from identifiers
    inner join contactable_customers
        on identifiers.customer_id = contactable_customers.customer_id
    where identifiers.identifier_type = 'phone'
    qualify row_number() over (
        partition by identifiers.customer_id
        order by identifiers.last_seen_at desc, identifiers.identifier_value asc
    ) = 1
),

final as (
    select
        -- ids
        phones_ranked.customer_id,

        -- strings
        phone_contacts.phone
    from phones_ranked
    inner join phone_contacts
        on phones_ranked.phone_pseudonym = phone_contacts.phone_pseudonym
)

select * from final
