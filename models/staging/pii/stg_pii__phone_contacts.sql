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

{# Most rows repeat a number (a buyer's phone on each of their orders, a member's at every
   till visit): the phone rules run once per distinct raw text, not once per row. #}
raw_phones as (
    select receiver_phone as raw_phone from orders
    union
    select phone as raw_phone from users
    union
    select customer_phone as raw_phone from receipts
    union
    select phone as raw_phone from members
    union
    select respondent_phone as raw_phone from responses
    union
    select subject_value as raw_phone from consents
    where {{ clean_enum('subject_type') }} = 'phone'
),

normalised as (
    select {{ normalize_phone('raw_phone') }} as phone
    from raw_phones
),

{# `count(phone) > 0` drops the null phone as `where phone is not null` would, but stays
   above the distinct: DuckDB pushes the plain filter below it and then evaluates the rules
   a second time, as a filter on the raw values. #}
distinct_phones as (
    select phone
    from normalised
    group by 1
    having count(phone) > 0
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
