/** Who is signed in: the values the sign-in servlet hands to the rest of the application. */
package dev.gangway.accounts.identity;
