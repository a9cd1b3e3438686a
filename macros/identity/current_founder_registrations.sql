{% macro current_founder_registrations(registered) -%}
    {#- The current rows of the founders register (a relation or CTE name with its columns): a
        registration is current until a later one names its founder as predecessor. One
        definition for the register itself and for int_identity_customer_ids_assigned. -#}
    select {{ registered }}.*
    from {{ registered }}
    left join {{ registered }} as successors
        on
            {{ registered }}.founder_identifier_id = successors.predecessor_identifier_id
            and {{ registered }}.registered_at < successors.registered_at
    where successors.founder_identifier_id is null
{%- endmacro %}
