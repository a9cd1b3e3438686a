{#- One row per staged record that identity reads, with the customer of its anchor; null when
    the record carries no linkable identifier (an anonymous walk-in receipt, a receipt with
    only a cashier's phone).

    Kept up to date by record on DuckDB (docs/incremental.md, "Identity by record"): an
    incremental run resolves again the records staged since this model's newest `_built_at`,
    those anchored again or logged since, and those whose stored or current anchor was
    written again since (`int_identifiers_resolved` keeps each row's
    `_built_at` until its customer or screening changes). A staged record never leaves
    staging, so none leaves this model. -#}
{{ config(**incremental_by_key(['source_model', 'source_record_id'])) }}
-- depends_on: {{ ref('int_identity_sightings_logged') }}
with

orders as (
    select * from {{ ref('stg_ecommerce__orders') }}
),

wechat_users as (
    select * from {{ ref('stg_wechat__users') }}
),

location_shares as (
    select * from {{ ref('stg_wechat__location_shares') }}
),

receipts as (
    select * from {{ ref('stg_pos__receipts') }}
),

members as (
    select * from {{ ref('stg_crm__members') }}
),

coupons as (
    select * from {{ ref('stg_marketing__coupons') }}
),

anchors as {{ not_materialized() }} (
    select * from {{ ref('int_identity_records_anchored') }}
),

identifiers as {{ not_materialized() }} (
    select * from {{ ref('int_identifiers_resolved') }}
),

{# Every staged record; on an incremental run, those staged since. #}
{%- set since = ('where ' ~ written_since_this()) if is_incremental() else '' %}
records_staged as (
    select
        'stg_ecommerce__orders' as source_model,
        order_id as source_record_id
    from orders
    {{ since }}
    union all
    select
        'stg_wechat__users' as source_model,
        wechat_user_id as source_record_id
    from wechat_users
    {{ since }}
    union all
    select
        'stg_wechat__location_shares' as source_model,
        location_share_id as source_record_id
    from location_shares
    {{ since }}
    union all
    select
        'stg_pos__receipts' as source_model,
        receipt_id as source_record_id
    from receipts
    {{ since }}
    union all
    select
        'stg_crm__members' as source_model,
        member_id as source_record_id
    from members
    {{ since }}
    union all
    select
        'stg_marketing__coupons' as source_model,
        coupon_id as source_record_id
    from coupons
    {{ since }}
),

{% if is_incremental() %}
    stored as (
        select * from {{ this }}
    ),

    {# A record staged since, anchored again since, or whose anchor (stored or current) was
        written again since in int_identifiers_resolved: its customer or screening changed.
        A record's anchor leaves only when its sightings changed (its rows in the log since)
        or when the anchor was screened again (and so written again there); an identifier
        that left the screening left every record, so its records are in the log. Both are
        found without an anti-join of the stored records and the anchors (7M each). #}
    records as {{ materialized() }} (
        select
            source_model,
            source_record_id
        from records_staged
        union
        select
            source_model,
            source_record_id
        from anchors
        where {{ written_since_this() }}
        union
        select
            sightings_log.source_model,
            sightings_log.source_record_id
        from {{ ref('int_identity_sightings_logged') }} as sightings_log
        where {{ written_since_this('sightings_log') }}
        union
        select
            stored.source_model,
            stored.source_record_id
        from stored
        inner join identifiers
            on stored.anchor_identifier_id = identifiers.identifier_id
        where {{ written_since_this('identifiers') }}
        union
        select
            anchors.source_model,
            anchors.source_record_id
        from anchors
        inner join identifiers
            on anchors.anchor_identifier_id = identifiers.identifier_id
        where {{ written_since_this('identifiers') }}
    ),
{% else %}
    records as (
        select * from records_staged
    ),
{% endif %}

resolved as (
    select
        records.source_model,
        records.source_record_id,
        identifiers.customer_id,
        anchors.anchor_identifier_id,
        {{ built_at() }} as _built_at
    from records
    left join anchors
        on
            records.source_model = anchors.source_model
            and records.source_record_id = anchors.source_record_id
    left join identifiers
        on anchors.anchor_identifier_id = identifiers.identifier_id
)

select * from resolved
