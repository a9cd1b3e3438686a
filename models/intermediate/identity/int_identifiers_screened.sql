{#- One row per identifier seen in any staged record, with the reason it may not link records.
    Junk values come from the blocklist seed, pseudonymised here exactly as staging
    pseudonymises real values; shared identifiers are detected from behaviour, each threshold
    a var.

    Kept up to date by identifier on DuckDB (docs/incremental.md, "Identity by record"): an
    incremental run screens again the identifiers whose sightings int_identity_sightings_logged
    wrote since this model's newest `_built_at` (removed sightings included), the phones typed
    at a till with a card whose enrolment was written since, and the identifiers the blocklist
    or the type settings now treat differently, and every identifier screened with other
    threshold vars; an identifier no longer seen leaves. -#}
-- depends_on: {{ ref('int_identity_sightings_logged') }}
{%- set min_cards_per_till_phone = var('datong_identity_shared_phone_min_cards') -%}
{%- set min_foreign_cards_per_till_phone = var(
    'datong_identity_shared_phone_min_foreign_cards'
) -%}
{%- set min_openids_per_device = var('datong_identity_shared_device_min_openids') -%}
{%- set min_buyers_per_receiver = var('datong_identity_shared_receiver_min_buyers') -%}
{#- The thresholds a row was screened with: a row screened with others is screened again. -#}
{%- set thresholds = [
    min_cards_per_till_phone, min_foreign_cards_per_till_phone, min_openids_per_device,
    min_buyers_per_receiver,
] | join('/') -%}
{{ config(**incremental_by_key('identifier_id', removed_unless='identifier_type')) }}
with

sightings as {{ not_materialized() }} (
    select * from {{ ref('int_identity_sightings_extracted') }}
),

identifier_types as {{ not_materialized() }} (
    select * from {{ ref('identifier_types') }}
),

identity_blocklist as (
    select * from {{ ref('identity_blocklist') }}
),

blocked_values as (
    select
        identifier_type,
        {{ pseudonymize('raw_value') }} as identifier_value,
        min(block_reason) as block_reason
    from identity_blocklist
    group by 1, 2
),

{% if is_incremental() %}
    {# Every identifier whose screening may differ from its stored row. Removed sightings
        count: the identifier lost a record. A card whose member record was written since
        may have another enrolled phone, which changes the foreign-card count of the phones
        typed with it at a till. #}
    logged_since as (
        select
            source_model,
            source_record_id,
            identifier_id,
            identifier_type
        from {{ ref('int_identity_sightings_logged') }}
        where {{ written_since_this() }}
    ),

    stored as {{ not_materialized() }} (
        select * from {{ this }}
    ),

    till_phones_of_reenrolled_cards as (
        select distinct phones.identifier_id
        from logged_since as cards
        inner join sightings as receipt_cards
            on cards.identifier_id = receipt_cards.identifier_id
        inner join sightings as phones
            on
                receipt_cards.source_model = phones.source_model
                and receipt_cards.source_record_id = phones.source_record_id
        where
            cards.source_model = 'stg_crm__members'
            and cards.identifier_type = 'member_card'
            and receipt_cards.source_model = 'stg_pos__receipts'
            and phones.identifier_type = 'phone'
    ),

    {# The stored identifiers that the blocklist, the type settings or the thresholds now
        treat differently. #}
    rescreened_by_settings as (
        select stored.identifier_id
        from stored
        left join blocked_values
            on
                stored.identifier_type = blocked_values.identifier_type
                and stored.identifier_value = blocked_values.identifier_value
        left join identifier_types
            on stored.identifier_type = identifier_types.identifier_type
        where
            blocked_values.block_reason is distinct from (
                case when stored.exclusion_reason = 'blocklisted' then stored.exclusion_detail end
            )
            or stored.strength is distinct from identifier_types.strength
            or stored.priority is distinct from identifier_types.priority
            or stored.max_per_customer is distinct from identifier_types.max_per_customer
            or stored._screened_with is distinct from '{{ thresholds }}'
    ),

    {# After a full refresh of the log alone (every row newer than this model), an identifier
        it no longer holds is seen only here. #}
    log_rebuilt as (
        select stored.identifier_id
        from stored
        where (
            select min(sightings_log._built_at)
            from {{ ref('int_identity_sightings_logged') }} as sightings_log
        ) > (
            select max(newest._built_at) from {{ this }} as newest
        )
    ),

    touched_identifiers as (
        select identifier_id from logged_since
        union
        select identifier_id from till_phones_of_reenrolled_cards
        union
        select identifier_id from rescreened_by_settings
        union
        select identifier_id from log_rebuilt
    ),

    {# A join rather than `in`: the query took 3.2 s instead of 3.5 s on a night at 1M
        persons (150k identifiers touched, 15.9M sightings). #}
    screened_sightings as (
        select sightings.*
        from touched_identifiers
        inner join sightings
            on touched_identifiers.identifier_id = sightings.identifier_id
    ),
{% else %}
    screened_sightings as (
        select * from sightings
    ),
{% endif %}

{# `identifier_id` is `<type>:<scope>:<value>` (int_identity_sightings_extracted), and the
    sightings keep no value column: the value is what follows the type, the scope and their
    two colons. #}
identifier_sightings as (
    select
        identifier_id,
        identifier_type,
        identifier_scope,
        count(*) as sighting_count,
        min(seen_at) as first_seen_at,
        max(seen_at) as last_seen_at
    from screened_sightings
    group by 1, 2, 3
),

identifiers as (
    select
        identifier_id,
        identifier_type,
        identifier_scope,
        substring(
            identifier_id,
            {{ dbt.length('identifier_type') }} + {{ dbt.length('identifier_scope') }} + 3
        ) as identifier_value,
        sighting_count,
        first_seen_at,
        last_seen_at
    from identifier_sightings
),

{# A cashier's own number typed for shoppers who gave none: one phone with many different
    cards scanned at one store. #}
till_phone_cards as (
    select
        phones.identifier_id,
        phones.store_id,
        count(distinct cards.identifier_id) as card_count
    from screened_sightings as phones
    inner join sightings as cards
        on
            phones.source_model = cards.source_model
            and phones.source_record_id = cards.source_record_id
    where
        phones.source_model = 'stg_pos__receipts'
        and phones.identifier_type = 'phone'
        and cards.identifier_type = 'member_card'
    group by 1, 2
),

{# A shopper types their own phone with their own card; a cashier types theirs with the cards
   of shoppers whose loyalty enrolment names another phone. #}
enrolled_card_phones as (
    select
        cards.identifier_id as card_identifier_id,
        phones.identifier_id as phone_identifier_id
    from sightings as phones
    inner join sightings as cards
        on
            phones.source_model = cards.source_model
            and phones.source_record_id = cards.source_record_id
    where
        phones.source_model = 'stg_crm__members'
        and phones.identifier_type = 'phone'
        and cards.identifier_type = 'member_card'
),

till_phone_foreign_cards as (
    select
        phones.identifier_id,
        count(distinct cards.identifier_id) as foreign_card_count
    from screened_sightings as phones
    inner join sightings as cards
        on
            phones.source_model = cards.source_model
            and phones.source_record_id = cards.source_record_id
    inner join enrolled_card_phones
        on cards.identifier_id = enrolled_card_phones.card_identifier_id
    where
        phones.source_model = 'stg_pos__receipts'
        and phones.identifier_type = 'phone'
        and cards.identifier_type = 'member_card'
        and enrolled_card_phones.phone_identifier_id <> phones.identifier_id
    group by 1
),

till_phone_peaks as (
    select
        identifier_id,
        max(card_count) as peak_count
    from till_phone_cards
    group by 1
),

till_phone_signals as (
    select
        coalesce(till_phone_peaks.identifier_id, till_phone_foreign_cards.identifier_id)
            as identifier_id,
        coalesce(till_phone_peaks.peak_count, 0) as peak_count,
        coalesce(till_phone_foreign_cards.foreign_card_count, 0) as foreign_card_count
    from till_phone_peaks
    full outer join till_phone_foreign_cards
        on till_phone_peaks.identifier_id = till_phone_foreign_cards.identifier_id
),

shared_till_phones as (
    select
        identifier_id,
        {{ dbt.concat([
            dbt.safe_cast('peak_count', dbt.type_string()),
            "' cards at one store, '",
            dbt.safe_cast('foreign_card_count', dbt.type_string()),
            "' enrolled with another phone'"
        ]) }} as detail
    from till_phone_signals
    where
        peak_count >= {{ min_cards_per_till_phone }}
        or foreign_card_count >= {{ min_foreign_cards_per_till_phone }}
),

{# A device passed around (a shop's demo phone, a family tablet): many openids. #}
device_openids as (
    select
        devices.identifier_id,
        count(distinct openids.identifier_id) as openid_count
    from screened_sightings as devices
    inner join sightings as openids
        on
            devices.source_model = openids.source_model
            and devices.source_record_id = openids.source_record_id
    where
        devices.identifier_type = 'device_id'
        and openids.identifier_type = 'openid'
    group by 1
),

shared_devices as (
    select
        identifier_id,
        openid_count as peak_count
    from device_openids
    where openid_count >= {{ min_openids_per_device }}
),

{# A person holds one buyer account per platform: a receiver phone or consignee on orders of
    several buyers of one platform is a forwarding address, an agent or a family hub. #}
receiver_phone_buyers as (
    select
        phones.identifier_id,
        buyers.identifier_scope,
        count(distinct buyers.identifier_id) as buyer_count
    from screened_sightings as phones
    inner join sightings as buyers
        on
            phones.source_model = buyers.source_model
            and phones.source_record_id = buyers.source_record_id
    where
        phones.source_model = 'stg_ecommerce__orders'
        and phones.identifier_type in ('phone', 'consignee')
        and buyers.carrier_column = 'buyer_pseudonym'
    group by 1, 2
),

shared_receiver_phones as (
    select
        identifier_id,
        max(buyer_count) as peak_count
    from receiver_phone_buyers
    group by 1
    having max(buyer_count) >= {{ min_buyers_per_receiver }}
),

screened as (
    select
        identifiers.identifier_id,
        identifiers.identifier_type,
        identifiers.identifier_scope,
        identifiers.identifier_value,
        identifier_types.strength,
        case
            when blocked_values.block_reason is not null then 'blocklisted'
            when shared_till_phones.identifier_id is not null then 'shared_phone_at_till'
            when shared_devices.identifier_id is not null then 'shared_device'
            when
                shared_receiver_phones.identifier_id is not null
                and identifiers.identifier_type = 'consignee'
                then 'shared_consignee'
            when shared_receiver_phones.identifier_id is not null then 'shared_receiver_phone'
        end as exclusion_reason,
        case
            when blocked_values.block_reason is not null then blocked_values.block_reason
            when shared_till_phones.identifier_id is not null then shared_till_phones.detail
            when shared_devices.identifier_id is not null
                then {{ dbt.concat([
                    dbt.safe_cast('shared_devices.peak_count', dbt.type_string()),
                    "' openids'"]) }}
            when shared_receiver_phones.identifier_id is not null
                then {{ dbt.concat([
                    dbt.safe_cast('shared_receiver_phones.peak_count', dbt.type_string()),
                    "' buyers on one platform'"]) }}
        end as exclusion_detail,
        identifier_types.priority,
        identifier_types.max_per_customer,
        identifiers.sighting_count,
        identifiers.first_seen_at,
        identifiers.last_seen_at
    from identifiers
    inner join identifier_types
        on identifiers.identifier_type = identifier_types.identifier_type
    left join blocked_values
        on
            identifiers.identifier_type = blocked_values.identifier_type
            and identifiers.identifier_value = blocked_values.identifier_value
    left join shared_till_phones
        on identifiers.identifier_id = shared_till_phones.identifier_id
    left join shared_devices
        on identifiers.identifier_id = shared_devices.identifier_id
    left join shared_receiver_phones
        on identifiers.identifier_id = shared_receiver_phones.identifier_id
),

rescreened as (
    select
        *,
        strength = 'strong' and exclusion_reason is null as is_linkable,
        '{{ thresholds }}' as _screened_with,
        {{ built_at() }} as _built_at
    from screened
),

{% if is_incremental() %}
    {# A touched identifier without a sighting left every record: its row has only the key,
        and dbt deletes the stored one (`removed_unless='identifier_type'`). #}
    final as (
        select
            touched_identifiers.identifier_id,
            rescreened.identifier_type,
            rescreened.identifier_scope,
            rescreened.identifier_value,
            rescreened.strength,
            rescreened.exclusion_reason,
            rescreened.exclusion_detail,
            rescreened.priority,
            rescreened.max_per_customer,
            rescreened.sighting_count,
            rescreened.first_seen_at,
            rescreened.last_seen_at,
            rescreened.is_linkable,
            rescreened._screened_with,
            rescreened._built_at
        from touched_identifiers
        left join rescreened
            on touched_identifiers.identifier_id = rescreened.identifier_id
    )
{% else %}
    final as (
        select * from rescreened
    )
{% endif %}

select * from final
