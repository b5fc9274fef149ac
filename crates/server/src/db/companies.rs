//! Companies and the rights users have to them: the SQL.

use crate::db::Conn;

pub async fn find_id_by_business_id(
    e: impl Conn<'_>,
    business_id: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM companies WHERE business_id = $1")
        .bind(business_id)
        .fetch_optional(e)
        .await
}

/// A new company unless the business id is taken (then None).
pub async fn insert(
    e: impl Conn<'_>,
    name: &str,
    business_id: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO companies (name, business_id) VALUES ($1, $2) \
         ON CONFLICT (business_id) DO NOTHING RETURNING id",
    )
    .bind(name)
    .bind(business_id)
    .fetch_optional(e)
    .await
}

pub async fn grant(e: impl Conn<'_>, user_id: i64, company_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO rights (user_id, company_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(user_id)
        .bind(company_id)
        .execute(e)
        .await
        .map(|_| ())
}

pub async fn revoke(e: impl Conn<'_>, user_id: i64, company_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM rights WHERE user_id = $1 AND company_id = $2")
        .bind(user_id)
        .bind(company_id)
        .execute(e)
        .await
        .map(|_| ())
}
