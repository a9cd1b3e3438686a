{#
    Restricted: every mobile number the sources carry, normalised, keyed by its pseudonym, so
    that a consented customer's `phone_pseudonym` can be turned back into a number to
    contact. Read straight from the raw exports with the same normalisation as staging.
#}
with

orders as (
    select * from {{ source('ecommerce', 'orders') }}
),

users as (
    select * from {{ source('wechat', 'users') }}
),

receipts as (
    select * from {{ source('pos', 'receipts') }}
),

members as (
    select * from {{ source('crm', 'members') }}
),

responses as (
    select * from {{ source('survey', 'responses') }}
),

consents as (
    select * from {{ source('privacy', 'consents') }}
),

erased_identifiers as (
    select * from {{ ref('int_privacy_erased_identifiers') }}
),

normalised as (
    select {{ normalize_phone('receiver_phone') }} as phone from orders
    union all
    select {{ normalize_phone('phone') }} as phone from users
    union all
    select {{ normalize_phone('customer_phone') }} as phone from receipts
    union all
    select {{ normalize_phone('phone') }} as phone from members
    union all
    select {{ normalize_phone('respondent_phone') }} as phone from responses
    union all
    select {{ normalize_phone('subject_value') }} as phone from consents
    where {{ clean_enum('subject_type') }} = 'phone'
),

distinct_phones as (
    select distinct phone
    from normalised
    where phone is not null
),

pseudonymised as (
    select
        {{ pseudonymize('phone') }} as phone_pseudonym,
        phone
    from distinct_phones
),

{# An erased person's numbers leave the area. #}
final as (
    select pseudonymised.*
    from pseudonymised
    left join erased_identifiers
        on
            erased_identifiers.identifier_type = 'phone'
            and pseudonymised.phone_pseudonym = erased_identifiers.identifier_value
    where erased_identifiers.identifier_value is null
)

select * from final
