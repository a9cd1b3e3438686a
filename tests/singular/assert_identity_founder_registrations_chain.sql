{#- The founders register hands a customer id on only as a chain: every customer id has
    exactly one first registration (no predecessor), and every successor names a founder
    registered earlier under the same id. Returns the registrations that break it. -#}
with

registered as {{ not_materialized() }} (
    select * from {{ ref('int_identity_founders_registered') }}
),

first_registrations as (
    select
        customer_id,
        count(*) as first_registration_count
    from registered
    where predecessor_identifier_id is null
    group by 1
),

unrooted as (
    select
        registered.customer_id,
        registered.founder_identifier_id,
        'customer id without exactly one first registration' as failure
    from registered
    left join first_registrations
        on registered.customer_id = first_registrations.customer_id
    where coalesce(first_registrations.first_registration_count, 0) <> 1
),

orphaned as (
    select
        successors.customer_id,
        successors.founder_identifier_id,
        'successor of no earlier founder of the same customer' as failure
    from registered as successors
    left join registered as predecessors
        on
            successors.predecessor_identifier_id = predecessors.founder_identifier_id
            and successors.customer_id = predecessors.customer_id
            and successors.registered_at > predecessors.registered_at
    where
        successors.predecessor_identifier_id is not null
        and predecessors.founder_identifier_id is null
)

select * from unrooted
union all
select * from orphaned
