{#- One row per piece of evidence that two identifiers belong to one person: a staged record
    linking its anchor to each other linkable identifier it carries (a star), a coupon linking
    its holder to the anchor of the order or receipt it was redeemed on, or a manual
    force-link. A piece of evidence is keyed by its rule, source model, source record and
    two identifiers (`identity_edge_key_columns`); `identity_edge_id` spells that key as one
    readable id where one is shown.

    Kept up to date by record on DuckDB (docs/incremental.md, "Identity by record"): an
    incremental run links again the records whose sightings were logged or whose identifiers
    were screened since this model's newest `_built_at`, the coupons redeemed on such an
    order or receipt or on a platform order number staged since, every override, and the
    evidence whose rule changed rank; a record left without evidence leaves. -#}
{{ config(**incremental_by_key(
    ['source_model', 'source_record_id'], removed_unless='link_rule'
)) }}
-- depends_on: {{ ref('int_identity_sightings_logged') }}
with

sightings as {{ not_materialized() }} (
    select * from {{ ref('int_identity_sightings_extracted') }}
),

identifiers as {{ not_materialized() }} (
    select * from {{ ref('int_identifiers_screened') }}
),

anchors as {{ not_materialized() }} (
    select * from {{ ref('int_identity_records_anchored') }}
),

link_rules as {{ not_materialized() }} (
    select * from {{ ref('identity_link_rules') }}
),

coupons as {{ not_materialized() }} (
    select * from {{ ref('stg_marketing__coupons') }}
),

orders as {{ not_materialized() }} (
    select * from {{ ref('stg_ecommerce__orders') }}
),

overrides as {{ not_materialized() }} (
    select * from {{ ref('identity_overrides') }}
),

{% if is_incremental() %}
    stored as {{ not_materialized() }} (
        select * from {{ this }}
    ),

    {# Records whose star may differ: their sightings, or the screening of one of their
        identifiers (which decides the anchor and what is linkable), changed. #}
    records_touched as {{ materialized() }} (
        {{ identity_records_touched('sightings', 'identifiers') }}
    ),

    {# A redemption depends on the anchors of the coupon and of the order or receipt it was
        used on, and on the platform order number naming exactly one order: an order staged
        since may share it. An order's number is part of its key and never changes. #}
    platform_orders_touched as (
        select orders.platform_order_id
        from orders
        inner join records_touched
            on
                records_touched.source_model = 'stg_ecommerce__orders'
                and orders.order_id = records_touched.source_record_id
        union
        select platform_order_id from orders
        where {{ written_since_this() }}
    ),

    coupons_touched as (
        select coupons.coupon_id
        from coupons
        inner join records_touched
            on
                records_touched.source_model = 'stg_pos__receipts'
                and coupons.redeemed_receipt_id = records_touched.source_record_id
        union
        select coupons.coupon_id
        from coupons
        inner join platform_orders_touched
            on coupons.redeemed_platform_order_id = platform_orders_touched.platform_order_id
    ),

    records_to_link as {{ materialized() }} (
        select
            source_model,
            source_record_id
        from records_touched
        union
        select
            'stg_marketing__coupons' as source_model,
            coupon_id as source_record_id
        from coupons_touched
        union
        select
            'identity_overrides' as source_model,
            override_id as source_record_id
        from overrides
        union
        {# Overrides since deleted, and evidence whose rule's rank changed. #}
        select
            stored.source_model,
            stored.source_record_id
        from stored
        left join link_rules
            on stored.link_rule = link_rules.link_rule
        where
            stored.source_model = 'identity_overrides'
            or stored.rule_rank is distinct from link_rules.rank
    ),

    {# Materialized: otherwise DuckDB joins every sighting to its identifier first. #}
    linked_sightings as {{ materialized() }} (
        select sightings.*
        from sightings
        inner join records_to_link
            on
                sightings.source_model = records_to_link.source_model
                and sightings.source_record_id = records_to_link.source_record_id
    ),

    linked_coupons as (
        select coupons.*
        from coupons
        inner join records_to_link
            on
                records_to_link.source_model = 'stg_marketing__coupons'
                and coupons.coupon_id = records_to_link.source_record_id
    ),
{% else %}
    linked_sightings as (
        select * from sightings
    ),

    linked_coupons as (
        select * from coupons
    ),
{% endif %}

linkable_sightings as (
    select linked_sightings.*
    from linked_sightings
    inner join identifiers
        on linked_sightings.identifier_id = identifiers.identifier_id
    where identifiers.is_linkable
),

star_edges as (
    select
        anchors.anchor_identifier_id as identifier_a_id,
        linkable_sightings.identifier_id as identifier_b_id,
        case
            when
                linkable_sightings.source_model = 'stg_wechat__users'
                and (
                    anchors.anchor_identifier_id like 'phone:%'
                    or linkable_sightings.identifier_type = 'phone'
                )
                then 'wechat_phone_authorisation'
            when linkable_sightings.source_model = 'stg_wechat__users'
                then 'wechat_unionid_authorisation'
            when
                linkable_sightings.source_model = 'stg_crm__members'
                and (
                    anchors.anchor_identifier_id like 'unionid:%'
                    or linkable_sightings.identifier_type = 'unionid'
                )
                then 'crm_wechat_card_binding'
            when
                linkable_sightings.source_model = 'stg_crm__members'
                and linkable_sightings.identifier_type = 'consignee'
                then 'crm_member_consignee'
            when linkable_sightings.source_model = 'stg_crm__members'
                then 'crm_member_card_phone'
            when linkable_sightings.source_model = 'stg_pos__receipts'
                then 'till_card_phone'
            when
                linkable_sightings.source_model = 'stg_ecommerce__orders'
                and linkable_sightings.identifier_type = 'consignee'
                then 'order_consignee'
            when
                linkable_sightings.source_model = 'stg_ecommerce__orders'
                and linkable_sightings.store_id is not null
                then 'order_pickup_in_store'
            when linkable_sightings.source_model = 'stg_ecommerce__orders'
                then 'order_receiver_phone'
            when linkable_sightings.source_model = 'stg_wechat__location_shares'
                then 'location_share_device'
            when linkable_sightings.source_model = 'stg_marketing__coupons'
                then 'coupon_holder'
        end as link_rule,
        linkable_sightings.source_model,
        linkable_sightings.source_record_id,
        cast(null as {{ dbt.type_string() }}) as context_record_id,
        linkable_sightings.store_id,
        linkable_sightings.seen_at
    from linkable_sightings
    inner join anchors
        on
            linkable_sightings.source_model = anchors.source_model
            and linkable_sightings.source_record_id = anchors.source_record_id
    where linkable_sightings.identifier_id <> anchors.anchor_identifier_id
),

{# A coupon names its order by the platform's own number; it is used only when exactly one
    order carries that number. #}
redeemable_orders as (
    select
        platform_order_id,
        min(order_id) as order_id
    from orders
    group by 1
    having count(*) = 1
),

redemptions as (
    select
        coupons.coupon_id,
        coupons.redeemed_store_id,
        coupons.redeemed_at,
        'stg_ecommerce__orders' as redeemed_model,
        redeemable_orders.order_id as redeemed_record_id
    from linked_coupons as coupons
    inner join redeemable_orders
        on coupons.redeemed_platform_order_id = redeemable_orders.platform_order_id

    union all

    select
        coupon_id,
        redeemed_store_id,
        redeemed_at,
        'stg_pos__receipts' as redeemed_model,
        redeemed_receipt_id as redeemed_record_id
    from linked_coupons
    where redeemed_receipt_id is not null
),

redemption_edges as (
    select
        holder_anchors.anchor_identifier_id as identifier_a_id,
        redeemed_anchors.anchor_identifier_id as identifier_b_id,
        'coupon_redemption' as link_rule,
        'stg_marketing__coupons' as source_model,
        redemptions.coupon_id as source_record_id,
        redemptions.redeemed_record_id as context_record_id,
        redemptions.redeemed_store_id as store_id,
        redemptions.redeemed_at as seen_at
    from redemptions
    inner join anchors as holder_anchors
        on
            holder_anchors.source_model = 'stg_marketing__coupons'
            and redemptions.coupon_id = holder_anchors.source_record_id
    inner join anchors as redeemed_anchors
        on
            redemptions.redeemed_model = redeemed_anchors.source_model
            and redemptions.redeemed_record_id = redeemed_anchors.source_record_id
    where holder_anchors.anchor_identifier_id <> redeemed_anchors.anchor_identifier_id
),

{# A manual link applies only between identifiers that may link; one naming an unknown or
    excluded identifier is reported by int_identity_exclusions_audited. #}
override_edges as (
    select
        overrides.identifier_a_id,
        overrides.identifier_b_id,
        'manual_force_link' as link_rule,
        'identity_overrides' as source_model,
        overrides.override_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as context_record_id,
        cast(null as {{ dbt.type_string() }}) as store_id,
        cast(overrides.decided_date as timestamp) as seen_at
    from overrides
    inner join identifiers as identifier_a
        on overrides.identifier_a_id = identifier_a.identifier_id
    inner join identifiers as identifier_b
        on overrides.identifier_b_id = identifier_b.identifier_id
    where
        overrides.override_action = 'force_link'
        and identifier_a.is_linkable
        and identifier_b.is_linkable
),

all_edges as (
    select * from star_edges
    union all
    select * from redemption_edges
    union all
    select * from override_edges
),

ranked as (
    select
        all_edges.identifier_a_id,
        all_edges.identifier_b_id,
        all_edges.link_rule,
        all_edges.source_model,
        all_edges.source_record_id,
        all_edges.context_record_id,
        all_edges.store_id,
        link_rules.rank as rule_rank,
        all_edges.seen_at,
        {{ built_at() }} as _built_at
    from all_edges
    inner join link_rules
        on all_edges.link_rule = link_rules.link_rule
),

{% if is_incremental() %}
    {# A record linked again without evidence keeps only its key, so that dbt deletes its
        stored evidence (`removed_unless='link_rule'`). #}
    final as (
        select
            ranked.identifier_a_id,
            ranked.identifier_b_id,
            ranked.link_rule,
            records_to_link.source_model,
            records_to_link.source_record_id,
            ranked.context_record_id,
            ranked.store_id,
            ranked.rule_rank,
            ranked.seen_at,
            ranked._built_at
        from records_to_link
        left join ranked
            on
                records_to_link.source_model = ranked.source_model
                and records_to_link.source_record_id = ranked.source_record_id
    )
{% else %}
    final as (
        select * from ranked
    )
{% endif %}

select * from final
