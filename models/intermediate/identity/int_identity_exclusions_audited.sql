{#- One row per thing identity resolution left out, with the reason: identifiers excluded
    from linking, masked phones whose records disagree on the customer, evidence cut, manual
    links that could not apply, customers still over a type cap after the cuts, and records
    whose identifiers were all excluded. Nothing is left out silently. -#}
with

identifiers as {{ not_materialized() }} (
    select * from {{ ref('int_identifiers_resolved') }}
),

cut_edges as (
    select * from {{ ref('int_identity_edges_cut') }}
),

edges as (
    select * from {{ ref('int_identity_edges_linked') }}
),

overrides as (
    select * from {{ ref('identity_overrides') }}
),

identifier_types as (
    select * from {{ ref('identifier_types') }}
),

sightings as (
    select * from {{ ref('int_identity_sightings_extracted') }}
),

records as (
    select * from {{ ref('int_identity_records_resolved') }}
),

excluded_identifiers as (
    select
        'identifier' as item_kind,
        identifier_id as item_id,
        identifier_type,
        cast(null as {{ dbt.type_string() }}) as source_model,
        cast(null as {{ dbt.type_string() }}) as source_record_id,
        exclusion_reason,
        exclusion_detail
    from identifiers
    where exclusion_reason is not null
),

ambiguous_weak_identifiers as (
    select
        'identifier' as item_kind,
        identifier_id as item_id,
        identifier_type,
        cast(null as {{ dbt.type_string() }}) as source_model,
        cast(null as {{ dbt.type_string() }}) as source_record_id,
        'weak_identifier_ambiguous' as exclusion_reason,
        'its records resolve to different customers, or to none' as exclusion_detail
    from identifiers
    where
        strength = 'weak'
        and customer_id is null
),

cut_evidence as (
    select
        'edge' as item_kind,
        edge_id as item_id,
        cast(null as {{ dbt.type_string() }}) as identifier_type,
        source_model,
        source_record_id,
        cut_reason as exclusion_reason,
        cause_id as exclusion_detail
    from cut_edges
),

applied_links as (
    select source_record_id as override_id from edges
    where link_rule = 'manual_force_link'
),

unapplied_overrides as (
    select
        'override' as item_kind,
        overrides.override_id as item_id,
        cast(null as {{ dbt.type_string() }}) as identifier_type,
        'identity_overrides' as source_model,
        overrides.override_id as source_record_id,
        'override_not_applied' as exclusion_reason,
        'an identifier is unknown or may not link' as exclusion_detail
    from overrides
    left join applied_links
        on overrides.override_id = applied_links.override_id
    where
        overrides.override_action = 'force_link'
        and applied_links.override_id is null
),

type_counts as (
    select
        identifiers.customer_id,
        identifiers.identifier_type,
        count(*) as identifier_count
    from identifiers
    where identifiers.is_linkable
    group by 1, 2
),

customers_over_cap as (
    select
        'customer' as item_kind,
        type_counts.customer_id as item_id,
        type_counts.identifier_type,
        cast(null as {{ dbt.type_string() }}) as source_model,
        cast(null as {{ dbt.type_string() }}) as source_record_id,
        'type_cap_still_exceeded' as exclusion_reason,
        {{ dbt.concat([
            dbt.safe_cast('type_counts.identifier_count', dbt.type_string()),
            "' held, manual links keep them'"
        ]) }} as exclusion_detail
    from type_counts
    inner join identifier_types
        on type_counts.identifier_type = identifier_types.identifier_type
    where type_counts.identifier_count > identifier_types.max_per_customer
),

{# A record with sightings but no anchor: its identifiers were all excluded or weak. The
    records without an anchor are few (a record with no sighting at all has none either), so
    the sightings are joined to them, not anti-joined to the 7M anchors: 0.1 s instead of
    1.5-1.9 s at 1M persons. Then the few sightings left are folded into records. #}
unanchored_sightings as (
    select
        sightings.source_model,
        sightings.source_record_id
    from sightings
    inner join records
        on
            sightings.source_model = records.source_model
            and sightings.source_record_id = records.source_record_id
    where records.anchor_identifier_id is null
),

unanchored_records as (
    select distinct
        'record' as item_kind,
        {{ dbt.concat([
            "source_model", "'|'", "source_record_id"
        ]) }} as item_id,
        cast(null as {{ dbt.type_string() }}) as identifier_type,
        source_model,
        source_record_id,
        'no_linkable_identifier' as exclusion_reason,
        'every identifier it carries is excluded or weak' as exclusion_detail
    from unanchored_sightings
),

audited as (
    select * from excluded_identifiers
    union all
    select * from ambiguous_weak_identifiers
    union all
    select * from cut_evidence
    union all
    select * from unapplied_overrides
    union all
    select * from customers_over_cap
    union all
    select * from unanchored_records
),

final as (
    select
        {{ dbt.concat(["item_kind", "'|'", "item_id", "'|'", "exclusion_reason",
            "'|'", "coalesce(identifier_type, '')"]) }} as exclusion_id,
        *
    from audited
)

select * from final
