{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=(none if var('datong_identity_restart_history') else false),
) }}
{#- The history of every identifier's customer, one row per identifier each time its customer
    changes (the first build records every identifier as new). The latest row of an
    identifier is the previous build's mapping; each build compares it with the current one
    and appends the moves, classified:
    - `merged`: customers of the previous build now share one customer (the older id
      survives); the cause is one kept piece of evidence joining them;
    - `split`: a previous customer's identifiers now have several customers; the cause is a
      cut of its evidence, or evidence no longer present;
    - `renamed`: the customer changed without a merge or split. A founder that leaves the
      graph hands its id to a successor (int_identity_founders_registered), so this is not
      expected; it is kept so that any such change is recorded, not hidden;
    - `new` and `removed`: the identifier appeared, or lost its customer (erased, excluded). -#}
with

identifiers as {{ not_materialized() }} (
    select * from {{ ref('int_identifiers_resolved') }}
),

evidence as (
    select * from {{ ref('int_identity_evidence_resolved') }}
),

cut_edges as (
    select * from {{ ref('int_identity_edges_cut') }}
),

current_mapping as (
    select
        identifier_id,
        customer_id
    from identifiers
    where customer_id is not null
),

previous_mapping as (
    {% if is_incremental() %}
        {# A removed identifier's latest row has no customer: it is not in the mapping. A
           build writes one row per identifier (customer_change_id is unique), so the
           latest is the one of the newest changed_at; one sort key lets DuckDB take it by
           an aggregate instead of sorting every identifier's rows. #}
        select
            identifier_id,
            customer_id
        from (
            select * from {{ this }}
            qualify row_number() over (
                partition by identifier_id order by changed_at desc
            ) = 1
        ) as latest_changes
        where customer_id is not null
    {% else %}
        select
            cast(null as {{ dbt.type_string() }}) as identifier_id,
            cast(null as {{ dbt.type_string() }}) as customer_id
        from current_mapping
        where 1 = 0
    {% endif %}
),

moves as (
    select
        coalesce(current_mapping.identifier_id, previous_mapping.identifier_id)
            as identifier_id,
        current_mapping.customer_id,
        previous_mapping.customer_id as previous_customer_id
    from current_mapping
    full outer join previous_mapping
        on current_mapping.identifier_id = previous_mapping.identifier_id
    where
        previous_mapping.customer_id is null
        or current_mapping.customer_id is null
        or current_mapping.customer_id <> previous_mapping.customer_id
),

{# The figures below are needed only for the customers that a move names: each is grouped by
   that customer, so keeping only those customers before grouping gives the same figures,
   at the cost of the night's moves rather than of every identifier. #}
moved_customers as (
    select customer_id from moves
    where customer_id is not null
),

moved_previous_customers as (
    select previous_customer_id from moves
    where previous_customer_id is not null
),

{# Every previous customer lives on under as many current customers as it has now. #}
previous_spread as (
    select
        previous_mapping.customer_id as previous_customer_id,
        count(distinct current_mapping.customer_id) as current_customer_count
    from previous_mapping
    inner join current_mapping
        on previous_mapping.identifier_id = current_mapping.identifier_id
    where
        previous_mapping.customer_id in (
            select moved_previous_customers.previous_customer_id from moved_previous_customers
        )
    group by 1
),

current_sources as (
    select
        current_mapping.customer_id,
        count(distinct previous_mapping.customer_id) as previous_customer_count
    from current_mapping
    inner join previous_mapping
        on current_mapping.identifier_id = previous_mapping.identifier_id
    where
        current_mapping.customer_id in (
            select moved_customers.customer_id from moved_customers
        )
    group by 1
),

{# The evidence of the moved customers is taken first (106k of 7.2M pieces in a night at 1M
   persons), and only it is joined to the previous mapping twice: left to the optimizer, the
   filter came after both joins, whose hash tables, beside another large model, spilled
   (docs/scale.md, "The night's spill"). #}
moved_evidence as {{ materialized() }} (
    select
        evidence.customer_id,
        {{ datong.identity_edge_key('evidence') }}
    from evidence
    where evidence.customer_id in (select moved_customers.customer_id from moved_customers)
),

merge_evidence as (
    select
        moved_evidence.customer_id,
        min({{ datong.identity_edge_id('moved_evidence') }}) as cause
    from moved_evidence
    inner join previous_mapping as previous_a
        on moved_evidence.identifier_a_id = previous_a.identifier_id
    inner join previous_mapping as previous_b
        on moved_evidence.identifier_b_id = previous_b.identifier_id
    where previous_a.customer_id <> previous_b.customer_id
    group by 1
),

split_cuts as (
    select
        previous_mapping.customer_id as previous_customer_id,
        min({{ dbt.concat(["cut_edges.cut_reason", "': '", "cut_edges.edge_id"]) }}) as cause
    from cut_edges
    inner join previous_mapping
        on cut_edges.identifier_a_id = previous_mapping.identifier_id
    where
        previous_mapping.customer_id in (
            select moved_previous_customers.previous_customer_id from moved_previous_customers
        )
    group by 1
),

classified as (
    select
        moves.identifier_id,
        moves.customer_id,
        moves.previous_customer_id,
        case
            when moves.previous_customer_id is null then 'new'
            when moves.customer_id is null then 'removed'
            when current_sources.previous_customer_count > 1 then 'merged'
            when previous_spread.current_customer_count > 1 then 'split'
            else 'renamed'
        end as change_kind,
        case
            when moves.previous_customer_id is null then 'first seen'
            when moves.customer_id is null then 'excluded or no longer present'
            when current_sources.previous_customer_count > 1
                then coalesce(merge_evidence.cause, 'joined through identifiers new to this build')
            when previous_spread.current_customer_count > 1
                then coalesce(split_cuts.cause, 'evidence no longer present')
            else 'founding identifier changed'
        end as change_cause
    from moves
    left join current_sources
        on moves.customer_id = current_sources.customer_id
    left join previous_spread
        on moves.previous_customer_id = previous_spread.previous_customer_id
    left join merge_evidence
        on moves.customer_id = merge_evidence.customer_id
    left join split_cuts
        on moves.previous_customer_id = split_cuts.previous_customer_id
),

final as (
    select
        {{ dbt.concat([
            "identifier_id", "'@'", "'" ~ run_started_at.strftime('%Y%m%dT%H%M%S') ~ "'"
        ]) }} as customer_change_id,
        identifier_id,
        customer_id,
        previous_customer_id,
        change_kind,
        change_cause,
        '{{ invocation_id }}' as invocation_id,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp) as changed_at
    from classified
)

select * from final
